// Command example holds a short web chat conversation with Tandem's demo account and
// prints it as it streams: it starts a conversation with the site key, watches it with
// the visitor token, sends a few messages and closes it.
//
//	make run &   # in another terminal; writes .data/demo.env
//	go run ./clients/go/tandemclient/example
//	go run ./clients/go/tandemclient/example -profile cust_1001 "Where is my order?"
//
// The address and site key come from -env (default .data/demo.env), overridden by the
// TANDEM_ADDR and TANDEM_SITE_KEY environment variables, overridden by -addr and -site-key.
package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/google/uuid"

	"github.com/tandemhq/tandem/clients/go/tandemclient"
	tandemv1 "github.com/tandemhq/tandem/gen/tandem/v1"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o options
	envFile := flag.String("env", ".data/demo.env", "the demo credentials `make run` writes")
	flag.StringVar(&o.addr, "addr", "", "the server's address (TANDEM_ADDR), e.g. 127.0.0.1:8080")
	flag.StringVar(&o.siteKey, "site-key", "", "the account's site key (TANDEM_SITE_KEY)")
	flag.StringVar(&o.profile, "profile", "", "log in as this demo profile (cust_1001 is Ava Chen); needs tandemd -demo")
	flag.Parse()
	file, _ := readEnvFile(*envFile)
	o.addr = cmp.Or(o.addr, os.Getenv("TANDEM_ADDR"), file["TANDEM_ADDR"])
	o.siteKey = cmp.Or(o.siteKey, os.Getenv("TANDEM_SITE_KEY"), file["TANDEM_SITE_KEY"])
	o.messages = flag.Args()
	if len(o.messages) == 0 {
		o.messages = []string{"Hi there!", "Where is my order?", "What is your return policy?"}
	}
	if err := run(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

type options struct {
	addr, siteKey, profile string
	messages               []string
}

// run holds the conversation and prints it to w.
func run(ctx context.Context, w io.Writer, o options) error {
	if o.addr == "" || o.siteKey == "" {
		return errors.New("no address or site key: start `make run` (it writes .data/demo.env) or pass -addr and -site-key")
	}
	base := o.addr
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	start := &tandemv1.StartConversationRequest{Channel: tandemv1.Channel_CHANNEL_WEBCHAT, Locale: "en-US"}
	if o.profile != "" {
		tok, err := demoIdentity(ctx, base, o.profile)
		if err != nil {
			return err
		}
		start.IdentityToken = tok
	}
	site := tandemclient.New(base, o.siteKey, tandemclient.Resilient())
	started, err := site.Conversations.StartConversation(ctx, connect.NewRequest(start))
	if err != nil {
		return fmt.Errorf("starting a conversation: %w", err)
	}
	conv := started.Msg.Conversation
	fmt.Fprintf(w, "Conversation %s started on %s\n\n", conv.Id, base)
	visitor := tandemclient.New(base, started.Msg.VisitorToken, tandemclient.Resilient())

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := visitor.Conversations.WatchConversation(ctx, connect.NewRequest(&tandemv1.WatchConversationRequest{ConversationId: conv.Id}))
	if err != nil {
		return err
	}
	defer stream.Close()
	seen := make(chan *tandemv1.ConversationEvent, 64)
	go func() {
		defer close(seen)
		for stream.Receive() {
			if e := stream.Msg().GetEvent(); e != nil {
				seen <- e
			}
		}
	}()
	// awaitMessage prints the stream's events until the message with id has arrived.
	awaitMessage := func(id string) error {
		for e := range seen {
			printEvent(w, e)
			if e.GetMessage().GetId() == id {
				return nil
			}
		}
		return fmt.Errorf("the stream ended: %w", stream.Err())
	}
	if n := len(started.Msg.Messages); n > 0 {
		if err := awaitMessage(started.Msg.Messages[n-1].Id); err != nil {
			return err
		}
	}
	for _, text := range o.messages {
		res, err := visitor.Conversations.SendMessage(ctx, connect.NewRequest(&tandemv1.SendMessageRequest{
			ConversationId: conv.Id, IdempotencyKey: uuid.NewString(), Content: &tandemv1.SendMessageRequest_Text{Text: text},
		}))
		if err != nil {
			return fmt.Errorf("sending %q: %w", text, err)
		}
		if err := awaitMessage(res.Msg.Messages[len(res.Msg.Messages)-1].Id); err != nil {
			return err
		}
	}
	if _, err := visitor.Conversations.CloseConversation(ctx, connect.NewRequest(&tandemv1.CloseConversationRequest{ConversationId: conv.Id, Reason: "example finished"})); err != nil {
		return fmt.Errorf("closing: %w", err)
	}
	for e := range seen {
		printEvent(w, e)
		if e.GetStatusChange().GetTo() == tandemv1.ConversationStatus_CONVERSATION_STATUS_CLOSED {
			return nil
		}
	}
	return stream.Err()
}

var authors = map[tandemv1.Author]string{
	tandemv1.Author_AUTHOR_VISITOR:     "You",
	tandemv1.Author_AUTHOR_AI_AGENT:    "Assistant",
	tandemv1.Author_AUTHOR_HUMAN_AGENT: "Team",
	tandemv1.Author_AUTHOR_SYSTEM:      "Notice",
}

// printEvent prints messages with their time and author, cards and quick replies under
// them, and status changes.
func printEvent(w io.Writer, e *tandemv1.ConversationEvent) {
	at := e.GetCreateTime().AsTime().Local().Format(time.TimeOnly)
	switch {
	case e.GetMessage() != nil:
		m := e.GetMessage()
		who := authors[m.Author]
		if m.AuthorName != "" {
			who = m.AuthorName
		}
		fmt.Fprintf(w, "%s  %-9s  %s\n", at, who, m.Text)
		if c := m.GetCard(); c != nil {
			fmt.Fprintf(w, "%21s[%s card] %s — %s\n", "", strings.TrimPrefix(c.Type.String(), "CARD_TYPE_"), c.Title, c.Subtitle)
			for _, a := range c.Actions {
				fmt.Fprintf(w, "%21s  (%s) %s\n", "", a.Label, cmp.Or(a.Url, a.QuickReplyId))
			}
		}
		for _, q := range m.QuickReplies {
			fmt.Fprintf(w, "%21s  [%s]\n", "", q.Label)
		}
	case e.GetStatusChange() != nil:
		fmt.Fprintf(w, "%s  — status: %s\n", at, strings.TrimPrefix(e.GetStatusChange().To.String(), "CONVERSATION_STATUS_"))
	}
}

// demoIdentity asks a demo server for a demo profile's identity token.
func demoIdentity(ctx context.Context, base, profile string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/demo/identity?profile="+url.QueryEscape(profile), nil)
	if err != nil {
		return "", err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		return "", fmt.Errorf("demo identity for %s: %s %s", profile, res.Status, strings.TrimSpace(string(b)))
	}
	var out struct{ IdentityToken string }
	return out.IdentityToken, json.NewDecoder(res.Body).Decode(&out)
}

// readEnvFile reads KEY=VALUE lines.
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vals := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			vals[k] = v
		}
	}
	return vals, sc.Err()
}
