package shopifytest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/server/tools/shopify"
	"github.com/tandemhq/tandem/server/tools/shopify/shopifytest"
)

// post sends a GraphQL request to the fake and returns the status and decoded body.
func post(t *testing.T, url, token, contentType, query string, variables map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Shopify-Access-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// firstError returns the message of a GraphQL answer's first error.
func firstError(body map[string]any) string {
	errs, _ := body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	return errs[0].(map[string]any)["message"].(string)
}

func TestFakeChecksRequests(t *testing.T) {
	t.Parallel()
	fake := shopifytest.New(t)
	endpoint := fake.URL + "/admin/api/" + shopify.APIVersion + "/graphql.json"
	const ok = `query { shop { name } }`

	status, body := post(t, endpoint, shopifytest.AccessToken, "application/json", ok, nil)
	if status != 200 || body["data"].(map[string]any)["shop"].(map[string]any)["name"] != "Northwind Outfitters" {
		t.Fatalf("valid request: %d %v", status, body)
	}
	if cost := body["extensions"].(map[string]any)["cost"].(map[string]any); cost["throttleStatus"] == nil {
		t.Errorf("no throttleStatus in %v", cost)
	}

	for _, tt := range []struct {
		name              string
		url, token, ctype string
		status            int
	}{
		{"another API version", fake.URL + "/admin/api/2019-04/graphql.json", shopifytest.AccessToken, "application/json", 404},
		{"no token", endpoint, "", "application/json", 401},
		{"form body", endpoint, shopifytest.AccessToken, "application/x-www-form-urlencoded", 415},
	} {
		if status, _ := post(t, tt.url, tt.token, tt.ctype, ok, nil); status != tt.status {
			t.Errorf("%s: HTTP %d, want %d", tt.name, status, tt.status)
		}
	}
	resp, err := http.Get(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: HTTP %d, want 405", resp.StatusCode)
	}

	for _, tt := range []struct {
		name, query string
		variables   map[string]any
		want        string
	}{
		{"unknown field", `{ shop { name plan } }`, nil, "Field 'plan' doesn't exist on type 'Shop'"},
		{"connection without first", `{ orders { nodes { id } } }`, nil, "you must provide one of first or last"},
		{"object without selections", `{ shop }`, nil, "must have selections"},
		{"undeclared variable", `{ customer(id: $id) { id } }`, map[string]any{"id": "gid://shopify/Customer/7001"}, "not declared"},
		{"missing variable", `query ($id: ID!) { customer(id: $id) { id } }`, nil, "invalid value"},
		{"variable of the wrong type", `query ($n: Int!) { orders(first: $n) { nodes { id } } }`, map[string]any{"n": "ten"}, "invalid value"},
		{"numeric customer id", `{ customer(id: "7001") { id } }`, nil, "Invalid global id"},
		{"unknown search field", `{ orders(first: 5, query: "email:ava@example.com") { nodes { id } } }`, nil, "search field"},
		{"syntax error", `{ shop { name }`, nil, "syntax error"},
	} {
		status, body := post(t, endpoint, shopifytest.AccessToken, "application/json", tt.query, tt.variables)
		if msg := firstError(body); status != 200 || !strings.Contains(msg, tt.want) {
			t.Errorf("%s: HTTP %d, error %q, want one containing %q", tt.name, status, msg, tt.want)
		}
	}

	// Aliases, nested connection sizes and search terms work as on Shopify.
	status, body = post(t, endpoint, shopifytest.AccessToken, "application/json",
		`query ($q: String!) { latest: orders(first: 1, query: $q, sortKey: CREATED_AT, reverse: true) { nodes { name lineItems(first: 1) { nodes { title } } } } }`,
		map[string]any{"q": "customer_id:7001"})
	nodes := body["data"].(map[string]any)["latest"].(map[string]any)["nodes"].([]any)
	order := nodes[0].(map[string]any)
	items := order["lineItems"].(map[string]any)["nodes"].([]any)
	if status != 200 || len(nodes) != 1 || order["name"] != "#1045" || len(items) != 1 {
		t.Errorf("aliased order query = %d %v", status, body)
	}
}
