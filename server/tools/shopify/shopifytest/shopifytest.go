// Package shopifytest is a fake Shopify Admin GraphQL API for tests. Like Shopify it
// checks the method, the path and its API version, the X-Shopify-Access-Token header
// and the content type; it parses the GraphQL query, rejects fields the schema lacks,
// missing connection sizes, undeclared or missing variables and search terms it does not
// know, and answers in Shopify's documented JSON shape (data, errors with
// extensions.code, extensions.cost.throttleStatus) from fixtures. Faults (THROTTLED,
// ACCESS_DENIED, any HTTP status with Retry-After, slow answers) can be injected.
package shopifytest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/server/domain"
	"github.com/tandemhq/tandem/server/tools/shopify"
)

// The fake shop's credentials.
const (
	// ShopDomain is the fake shop's domain.
	ShopDomain = "northwind-demo.myshopify.com"
	// AccessToken is the only access token the fake accepts.
	AccessToken = "shpat_fake_0123456789abcdef"
)

//go:embed testdata/shop.json
var shopJSON []byte

// Fault is an injected failure for one request.
type Fault struct {
	// Status answers with this HTTP status and a Shopify-like error body.
	Status int
	// RetryAfter is the Retry-After header sent with Status.
	RetryAfter string
	// Throttled answers 200 with a THROTTLED error and an empty bucket.
	Throttled bool
	// AccessDenied answers 200 with an ACCESS_DENIED error.
	AccessDenied bool
	// Delay waits this long before answering (or until the client gives up).
	Delay time.Duration
}

// Request is a request the fake received.
type Request struct {
	// Query is the GraphQL query.
	Query string
	// Variables are its variables.
	Variables map[string]any
}

// Server is a running fake Shopify; close it with Close (New does so when the test
// ends).
type Server struct {
	*httptest.Server
	shop     map[string]any
	mu       sync.Mutex
	faults   []Fault
	requests []Request
}

// New starts a fake Shopify serving the fixtures of testdata/shop.json.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	if err := json.Unmarshal(shopJSON, &s.shop); err != nil {
		t.Fatalf("shopifytest: fixtures: %v", err)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Integration returns a connected Shopify integration pointing at the fake.
func (s *Server) Integration() domain.Integration {
	return domain.Integration{
		Provider:    domain.ProviderShopify,
		Connected:   true,
		DisplayName: ShopDomain,
		APIBaseURL:  s.URL,
		Credentials: domain.Credentials{ShopDomain: ShopDomain, AccessToken: AccessToken},
	}
}

// Inject makes the next requests fail with faults, one fault per request, in order.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// writeJSON answers status with body as JSON.
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// cost is extensions.cost with the bucket holding available points.
func cost(available float64) map[string]any {
	return map[string]any{"cost": map[string]any{
		"requestedQueryCost": 12, "actualQueryCost": 12,
		"throttleStatus": map[string]any{"maximumAvailable": 2000.0, "currentlyAvailable": available, "restoreRate": 1000.0},
	}}
}

// gqlErrors answers 200 with one GraphQL error.
func gqlErrors(w http.ResponseWriter, message, code string, extensions map[string]any) {
	writeJSON(w, http.StatusOK, map[string]any{
		"errors":     []any{map[string]any{"message": message, "extensions": map[string]any{"code": code}}},
		"extensions": extensions,
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/admin/api/"+shopify.APIVersion+"/graphql.json" {
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": "Not Found"})
		return
	}
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"errors": "Method Not Allowed"})
		return
	}
	if r.Header.Get("X-Shopify-Access-Token") != AccessToken {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"})
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]any{"errors": "Content-Type must be application/json"})
		return
	}
	var body struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": "Bad Request: " + err.Error()})
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Query: body.Query, Variables: body.Variables})
	var fault *Fault
	if len(s.faults) > 0 {
		fault = &s.faults[0]
		s.faults = s.faults[1:]
	}
	s.mu.Unlock()

	if fault != nil {
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
			return
		}
		switch {
		case fault.Throttled:
			gqlErrors(w, "Throttled", "THROTTLED", cost(2))
			return
		case fault.AccessDenied:
			gqlErrors(w, "Access denied for orders field. Required access: `read_orders` access scope.", "ACCESS_DENIED", cost(1988))
			return
		case fault.Status != 0:
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			writeJSON(w, fault.Status, map[string]any{"errors": http.StatusText(fault.Status)})
			return
		}
	}

	op, err := parseQuery(body.Query)
	if err != nil {
		gqlErrors(w, err.Error(), "parseError", nil)
		return
	}
	data, err := s.execute(op, body.Variables)
	if err != nil {
		gqlErrors(w, err.Error(), "invalidQuery", cost(2000))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "extensions": cost(1988)})
}

// execute answers op's root fields from the fixtures.
func (s *Server) execute(op *operation, vars map[string]any) (map[string]any, error) {
	if err := checkVariables(op, vars); err != nil {
		return nil, err
	}
	data := map[string]any{}
	for _, f := range op.selections {
		typ, ok := schema["QueryRoot"][f.name]
		if !ok {
			return nil, fmt.Errorf("Field '%s' doesn't exist on type 'QueryRoot'", f.name)
		}
		result, err := s.resolveRoot(f, vars)
		if err != nil {
			return nil, err
		}
		if data[f.key()], err = project(result, f, typ, vars); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// checkVariables checks that every variable used is declared, that every non-null one
// is given, and that given values fit their declared types.
func checkVariables(op *operation, vars map[string]any) error {
	var walk func([]*field) error
	walk = func(fields []*field) error {
		for _, f := range fields {
			for _, v := range f.args {
				if _, ok := op.variables[v.variable]; v.variable != "" && !ok {
					return fmt.Errorf("Variable $%s is used by %s but not declared", v.variable, f.name)
				}
			}
			if err := walk(f.selections); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(op.selections); err != nil {
		return err
	}
	for name, typ := range op.variables {
		v, given := vars[name]
		if !given || v == nil {
			if strings.HasSuffix(typ, "!") {
				return fmt.Errorf("Variable $%s of type %s was provided invalid value", name, typ)
			}
			continue
		}
		ok := true
		switch strings.TrimSuffix(typ, "!") {
		case "Int":
			n, isNum := v.(float64)
			ok = isNum && n == float64(int(n))
		case "String", "ID":
			_, ok = v.(string)
		}
		if !ok {
			return fmt.Errorf("Variable $%s of type %s was provided invalid value", name, typ)
		}
	}
	return nil
}

// arg returns the resolved argument name of f.
func arg(f *field, name string, vars map[string]any) any {
	if v, ok := f.args[name]; ok {
		return v.resolve(vars)
	}
	return nil
}

// first returns a connection's size argument, which Shopify requires (at most 250).
func first(f *field, vars map[string]any) (int, error) {
	var n int
	switch v := arg(f, "first", vars).(type) {
	case int:
		n = v
	case float64:
		n = int(v)
	default:
		return 0, fmt.Errorf("you must provide one of first or last on the %s connection", f.name)
	}
	if n < 0 || n > 250 {
		return 0, fmt.Errorf("%s: first must be between 0 and 250", f.name)
	}
	return n, nil
}

// searchTerm is one term of a search query: field:value or a bare word.
var searchTerm = regexp.MustCompile(`^(?:([a-z_]+):)?("[^"]*"|[^\s"()]+)$`)

// searchTerms splits a search query into terms, keeping quoted values whole and
// dropping the parentheses and OR connectives of a group.
func searchTerms(q string) (terms [][2]string, err error) {
	var fields []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case !quoted && (r == ' ' || r == '(' || r == ')'):
			if cur.Len() > 0 {
				fields = append(fields, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		fields = append(fields, cur.String())
	}
	for _, f := range fields {
		if f == "OR" || f == "AND" {
			continue
		}
		m := searchTerm.FindStringSubmatch(f)
		if m == nil {
			return nil, fmt.Errorf("invalid search term %q", f)
		}
		terms = append(terms, [2]string{m[1], strings.Trim(m[2], `"`)})
	}
	return terms, nil
}

// list returns the fixtures' objects of kind.
func (s *Server) list(kind string) []map[string]any {
	var out []map[string]any
	for _, v := range s.shop[kind].([]any) {
		out = append(out, v.(map[string]any))
	}
	return out
}

// resolveRoot answers a root field from the fixtures.
func (s *Server) resolveRoot(f *field, vars map[string]any) (any, error) {
	switch f.name {
	case "shop":
		return s.shop["shop"], nil
	case "customer":
		id, _ := arg(f, "id", vars).(string)
		if !strings.HasPrefix(id, "gid://shopify/Customer/") {
			return nil, fmt.Errorf("Invalid global id '%s'", id)
		}
		for _, c := range s.list("customers") {
			if c["id"] == id {
				return c, nil
			}
		}
		return nil, nil
	case "customers":
		return s.connection(f, vars, "customers", map[string]func(map[string]any, string) bool{
			"email": func(c map[string]any, v string) bool { return strings.EqualFold(c["email"].(string), v) },
		}, nil)
	case "orders":
		if key, _ := arg(f, "sortKey", vars).(string); key != "" && key != "CREATED_AT" && key != "PROCESSED_AT" && key != "ID" {
			return nil, fmt.Errorf("Argument 'sortKey' on Field 'orders' has an invalid value (%s)", key)
		}
		return s.connection(f, vars, "orders", map[string]func(map[string]any, string) bool{
			"customer_id": func(o map[string]any, v string) bool {
				c, _ := o["customer"].(map[string]any)
				return c != nil && c["id"] == "gid://shopify/Customer/"+v
			},
			"name": func(o map[string]any, v string) bool {
				return strings.TrimPrefix(o["name"].(string), "#") == strings.TrimPrefix(v, "#")
			},
		}, nil)
	case "products":
		if key, _ := arg(f, "sortKey", vars).(string); key != "" && key != "RELEVANCE" && key != "TITLE" {
			return nil, fmt.Errorf("Argument 'sortKey' on Field 'products' has an invalid value (%s)", key)
		}
		return s.connection(f, vars, "products", map[string]func(map[string]any, string) bool{
			"status": func(p map[string]any, v string) bool { return strings.EqualFold(p["status"].(string), v) },
		}, productRelevance)
	}
	return nil, fmt.Errorf("Field '%s' is not supported by the fake", f.name)
}

// connection lists the fixtures of kind matching the search query of f: every
// field:value term through filters, and, with words, through relevance (which must be
// positive and orders the results); createdAt order with reverse otherwise.
func (s *Server) connection(f *field, vars map[string]any, kind string, filters map[string]func(map[string]any, string) bool,
	relevance func(map[string]any, []string) int) (any, error) {
	n, err := first(f, vars)
	if err != nil {
		return nil, err
	}
	query, _ := arg(f, "query", vars).(string)
	terms, err := searchTerms(query)
	if err != nil {
		return nil, err
	}
	var words []string
	nodes := s.list(kind)
	for _, t := range terms {
		if t[0] == "" {
			words = append(words, strings.ToLower(t[1]))
			continue
		}
		match, ok := filters[t[0]]
		if !ok {
			return nil, fmt.Errorf("the fake does not know the %s search field %q", kind, t[0])
		}
		nodes = slices.DeleteFunc(nodes, func(node map[string]any) bool { return !match(node, t[1]) })
	}
	if len(words) > 0 {
		if relevance == nil {
			return nil, fmt.Errorf("the fake does not search %s by free text", kind)
		}
		nodes = slices.DeleteFunc(nodes, func(node map[string]any) bool { return relevance(node, words) == 0 })
		sort.SliceStable(nodes, func(i, j int) bool { return relevance(nodes[i], words) > relevance(nodes[j], words) })
	} else if _, ok := nodes0(nodes)["createdAt"]; ok {
		sort.SliceStable(nodes, func(i, j int) bool { return nodes[i]["createdAt"].(string) < nodes[j]["createdAt"].(string) })
		if reverse, _ := arg(f, "reverse", vars).(bool); reverse {
			slices.Reverse(nodes)
		}
	}
	list := make([]any, 0, len(nodes))
	for _, node := range nodes[:min(n, len(nodes))] {
		list = append(list, node)
	}
	return map[string]any{"nodes": list}, nil
}

// nodes0 returns the first node, or nil.
func nodes0(nodes []map[string]any) map[string]any {
	if len(nodes) == 0 {
		return nil
	}
	return nodes[0]
}

// productRelevance counts the words found in a product's title (twice), tags and type.
func productRelevance(p map[string]any, words []string) int {
	title := strings.ToLower(p["title"].(string))
	var tags []string
	for _, t := range p["tags"].([]any) {
		tags = append(tags, strings.ToLower(t.(string)))
	}
	tags = append(tags, strings.ToLower(p["productType"].(string)))
	score := 0
	for _, w := range words {
		if strings.Contains(title, w) {
			score += 2
		}
		if slices.ContainsFunc(tags, func(t string) bool { return strings.Contains(t, w) }) {
			score++
		}
	}
	return score
}

// project keeps of v (of GraphQL type typ) only what f selects, as GraphQL does, and
// rejects fields the type lacks and connections without a size.
func project(v any, f *field, typ string, vars map[string]any) (any, error) {
	if v == nil {
		return nil, nil
	}
	fields, isObject := schema[typ]
	if !isObject {
		if len(f.selections) > 0 {
			return nil, fmt.Errorf("Selections can't be made on scalars (field '%s' returns %s)", f.name, typ)
		}
		return v, nil
	}
	if len(f.selections) == 0 {
		return nil, fmt.Errorf("Field must have selections (field '%s' returns %s but has no selections)", f.name, typ)
	}
	if list, ok := v.([]any); ok {
		if n, err := first(f, vars); err == nil {
			list = list[:min(n, len(list))]
		}
		out := make([]any, len(list))
		for i, item := range list {
			var err error
			if out[i], err = project(item, f, typ, vars); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	obj := v.(map[string]any)
	if strings.HasSuffix(typ, "Connection") {
		n, err := first(f, vars)
		if err != nil {
			return nil, err
		}
		obj = limitNodes(obj, n)
	}
	out := map[string]any{}
	for _, sel := range f.selections {
		selType, ok := fields[sel.name]
		if !ok {
			return nil, fmt.Errorf("Field '%s' doesn't exist on type '%s'", sel.name, typ)
		}
		var err error
		if out[sel.key()], err = project(obj[sel.name], sel, selType, vars); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// limitNodes keeps the first n nodes of a connection object.
func limitNodes(obj map[string]any, n int) map[string]any {
	nodes, ok := obj["nodes"].([]any)
	if !ok || len(nodes) <= n {
		return obj
	}
	out := map[string]any{}
	for k, v := range obj {
		out[k] = v
	}
	out["nodes"] = nodes[:n]
	return out
}

// schema is the part of the Admin API schema the fake serves: each object type's
// fields and their types (scalars and enums are not listed as types).
var schema = map[string]map[string]string{
	"QueryRoot": {"shop": "Shop", "customer": "Customer", "customers": "CustomerConnection", "orders": "OrderConnection", "products": "ProductConnection"},
	"Shop":      {"id": "ID", "name": "String", "email": "String", "myshopifyDomain": "String", "currencyCode": "CurrencyCode"},
	"Customer": {"id": "ID", "email": "String", "firstName": "String", "lastName": "String", "displayName": "String",
		"phone": "String", "orders": "OrderConnection"},
	"CustomerConnection": {"nodes": "Customer"},
	"OrderConnection":    {"nodes": "Order"},
	"Order": {"id": "ID", "name": "String", "createdAt": "DateTime", "cancelledAt": "DateTime", "closedAt": "DateTime",
		"displayFulfillmentStatus": "OrderDisplayFulfillmentStatus", "displayFinancialStatus": "OrderDisplayFinancialStatus",
		"statusPageUrl": "URL", "customer": "Customer", "totalPriceSet": "MoneyBag", "shippingAddress": "MailingAddress",
		"lineItems": "LineItemConnection", "fulfillments": "Fulfillment"},
	"MoneyBag": {"shopMoney": "MoneyV2", "presentmentMoney": "MoneyV2"},
	"MoneyV2":  {"amount": "Decimal", "currencyCode": "CurrencyCode"},
	"MailingAddress": {"name": "String", "address1": "String", "address2": "String", "city": "String", "province": "String",
		"provinceCode": "String", "zip": "String", "country": "String", "countryCodeV2": "CountryCode"},
	"LineItemConnection": {"nodes": "LineItem"},
	"LineItem":           {"title": "String", "variantTitle": "String", "quantity": "Int", "sku": "String", "image": "Image"},
	"Image":              {"url": "URL", "altText": "String"},
	"Fulfillment": {"id": "ID", "status": "FulfillmentStatus", "displayStatus": "FulfillmentDisplayStatus",
		"estimatedDeliveryAt": "DateTime", "deliveredAt": "DateTime", "inTransitAt": "DateTime", "trackingInfo": "FulfillmentTrackingInfo"},
	"FulfillmentTrackingInfo": {"company": "String", "number": "String", "url": "URL"},
	"ProductConnection":       {"nodes": "Product"},
	"Product": {"id": "ID", "title": "String", "handle": "String", "description": "String", "onlineStoreUrl": "URL",
		"featuredImage": "Image", "priceRangeV2": "ProductPriceRangeV2", "totalInventory": "Int", "tracksInventory": "Boolean",
		"tags": "String", "productType": "String", "status": "ProductStatus"},
	"ProductPriceRangeV2": {"minVariantPrice": "MoneyV2", "maxVariantPrice": "MoneyV2"},
}
