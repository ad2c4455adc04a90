package api_test

import (
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
	"github.com/tandemhq/tandem/gen/tandem/v1/tandemv1connect"
	"github.com/tandemhq/tandem/server/accountcache"
	"github.com/tandemhq/tandem/server/app"
	"github.com/tandemhq/tandem/server/app/apptest"
	"github.com/tandemhq/tandem/server/domain"
)

func TestAgentSeesAConnectionAtOnceOnItsReplicaAndWithinTheTTLOnOthers(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, app.Options{})
	_, replicaB := apptest.StartReplica(t, env.DatabaseURL, app.Options{})
	onA := skillsOf(env, domain.RoleOwner)
	onB := tandemclient.New(replicaB.URL, env.Key(domain.RoleOwner)).Skills
	unavailable := func(c tandemv1connect.SkillServiceClient) bool {
		t.Helper()
		res, err := c.PreviewMessage(t.Context(), connect.NewRequest(&tandemv1.PreviewMessageRequest{
			Text: "where is my order?", Channel: tandemv1.Channel_CHANNEL_WEBCHAT}))
		if err != nil {
			t.Fatal(err)
		}
		return res.Msg.HandoffReason == tandemv1.HandoffReason_HANDOFF_REASON_SKILL_UNAVAILABLE
	}
	// Both replicas read (and keep) the state without the demo store: order tracking is unavailable.
	if !unavailable(onA) || !unavailable(onB) {
		t.Fatal("order tracking answered before anything was connected")
	}
	connectProvider(t, onA, &tandemv1.ConnectIntegrationRequest{Provider: tandemv1.IntegrationProvider_INTEGRATION_PROVIDER_DEMO_STORE})
	if unavailable(onA) {
		t.Error("the replica that connected the demo store still calls order tracking unavailable")
	}
	deadline := time.Now().Add(accountcache.DefaultTTL + time.Second)
	for unavailable(onB) {
		if time.Now().After(deadline) {
			t.Fatalf("the other replica still calls order tracking unavailable after %v", accountcache.DefaultTTL+time.Second)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
