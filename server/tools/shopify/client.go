// Package shopify reads a shop's customers, orders and products through the Shopify
// Admin GraphQL API (POST https://{shop}/admin/api/{version}/graphql.json with the
// X-Shopify-Access-Token header). Client implements tools.Profiles, tools.Orders and
// tools.Products for one connected shop; Checker validates credentials on connect.
//
// It follows Shopify's documented behaviour: calls that are THROTTLED (the cost-based
// leaky bucket reported in extensions.cost.throttleStatus) wait for the bucket to
// refill at its restore rate and are retried; 429 waits for Retry-After; 5xx and
// network failures are retried with exponential backoff; all a bounded number of times,
// within the caller's context. 401/403 become EPermission (reconnect Shopify), 402/423
// (shop frozen or locked) and exhausted retries become EUnavailable.
package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/server/domain"
)

// APIVersion is the Admin API version the client speaks (a stable, documented release).
const APIVersion = "2025-07"

// Options tune a Client; zero fields take the defaults.
type Options struct {
	// HTTPClient sends the requests (default: a client with a 10 s timeout).
	HTTPClient *http.Client
	// MaxAttempts bounds the attempts of one call, retries included (default 4).
	MaxAttempts int
	// Backoff is the first wait before retrying a 5xx, a network failure or a 429
	// without Retry-After; it doubles on each retry (default 500 ms).
	Backoff time.Duration
	// MaxWait is the longest single wait for a throttled call (default 10 s); a call
	// that would have to wait longer fails with EUnavailable at once.
	MaxWait time.Duration
	// Logger logs retries (default: slog.Default()).
	Logger *slog.Logger
}

// withDefaults fills the zero fields of o.
func (o Options) withDefaults() Options {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 4
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Client calls one shop's Admin GraphQL API. It is safe for concurrent use.
type Client struct {
	shop     string
	endpoint string
	token    string
	opts     Options
}

// shopDomain is a shop's permanent domain, "brand.myshopify.com".
var shopDomain = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

// New returns a client for the connected Shopify integration in: its shop domain and
// access token, and APIBaseURL, when set, in place of https://{shop} (tests, proxies).
// Returns EInvalid if the shop domain or token is missing or malformed.
func New(in domain.Integration, opts Options) (*Client, error) {
	shop := strings.ToLower(strings.TrimSpace(in.Credentials.ShopDomain))
	if !shopDomain.MatchString(shop) {
		return nil, domain.Errorf(domain.EInvalid, "Shopify shop domain %q is not a shop's myshopify.com domain (such as brand.myshopify.com)", in.Credentials.ShopDomain)
	}
	if strings.TrimSpace(in.Credentials.AccessToken) == "" {
		return nil, domain.Errorf(domain.EInvalid, "a Shopify Admin API access token is required")
	}
	base := "https://" + shop
	if in.APIBaseURL != "" {
		base = strings.TrimRight(in.APIBaseURL, "/")
	}
	return &Client{
		shop:     shop,
		endpoint: base + "/admin/api/" + APIVersion + "/graphql.json",
		token:    in.Credentials.AccessToken,
		opts:     opts.withDefaults(),
	}, nil
}

// graphQLRequest is the body of a call.
type graphQLRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

// graphQLResponse is Shopify's answer: data, errors, and the query's cost.
type graphQLResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []graphQLError  `json:"errors"`
	Extensions struct {
		Cost *queryCost `json:"cost"`
	} `json:"extensions"`
}

// graphQLError is one entry of the errors array.
type graphQLError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// queryCost is extensions.cost: what the query cost and the state of the bucket.
type queryCost struct {
	RequestedQueryCost float64 `json:"requestedQueryCost"`
	ThrottleStatus     struct {
		MaximumAvailable   float64 `json:"maximumAvailable"`
		CurrentlyAvailable float64 `json:"currentlyAvailable"`
		RestoreRate        float64 `json:"restoreRate"`
	} `json:"throttleStatus"`
}

// refillWait is how long the bucket takes to hold the query's cost again.
func (c *queryCost) refillWait() time.Duration {
	if c == nil || c.ThrottleStatus.RestoreRate <= 0 {
		return 0
	}
	missing := c.RequestedQueryCost - c.ThrottleStatus.CurrentlyAvailable
	if missing <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(missing / c.ThrottleStatus.RestoreRate * float64(time.Second)))
}

// attemptError is the outcome of an attempt that did not succeed: the error to return
// if no retry follows, and whether (after how long) a retry may succeed.
type attemptError struct {
	err   error
	retry bool
	wait  time.Duration
}

// query runs a GraphQL query with variables and decodes its data into out, retrying
// throttled calls, 429, 5xx and network failures up to MaxAttempts times.
func (c *Client) query(ctx context.Context, query string, variables map[string]any, out any) error {
	body, err := json.Marshal(graphQLRequest{Query: query, Variables: variables})
	if err != nil {
		return err
	}
	backoff := c.opts.Backoff
	for attempt := 1; ; attempt++ {
		data, aerr := c.attempt(ctx, body)
		if aerr == nil {
			if err := json.Unmarshal(data, out); err != nil {
				return fmt.Errorf("shopify: decoding the answer: %w", err)
			}
			return nil
		}
		if !aerr.retry || attempt >= c.opts.MaxAttempts {
			return aerr.err
		}
		wait := aerr.wait
		if wait == 0 {
			wait, backoff = backoff, 2*backoff
		}
		if wait > c.opts.MaxWait {
			return aerr.err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return aerr.err
		}
		c.opts.Logger.InfoContext(ctx, "shopify: retrying", "shop", c.shop, "attempt", attempt, "wait", wait, "error", aerr.err)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return unavailable(ctx.Err(), "Shopify did not answer in time")
		case <-timer.C:
		}
	}
}

// attempt sends one request and returns the response's data, or why it failed.
func (c *Client) attempt(ctx context.Context, body []byte) (json.RawMessage, *attemptError) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, &attemptError{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Shopify-Access-Token", c.token)
	resp, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &attemptError{err: unavailable(ctx.Err(), "Shopify did not answer in time")}
		}
		return nil, &attemptError{err: unavailable(err, "Shopify cannot be reached"), retry: true}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, &attemptError{err: unavailable(err, "Shopify's answer was cut off"), retry: true}
	}
	switch status := resp.StatusCode; {
	case status == http.StatusOK:
		return c.decode(raw)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return nil, &attemptError{err: domain.Errorf(domain.EPermission,
			"Shopify rejected the access token for %s (HTTP %d): reconnect Shopify in Tandem's integrations with a valid Admin API access token", c.shop, status)}
	case status == http.StatusPaymentRequired:
		return nil, &attemptError{err: domain.Errorf(domain.EUnavailable, "the Shopify store %s is frozen (HTTP 402): its owner must settle the Shopify bill", c.shop)}
	case status == http.StatusLocked:
		return nil, &attemptError{err: domain.Errorf(domain.EUnavailable, "the Shopify store %s is locked (HTTP 423)", c.shop)}
	case status == http.StatusNotFound:
		return nil, &attemptError{err: domain.Errorf(domain.EFailedPrecondition, "Shopify has no Admin API at %s (HTTP 404): check the shop domain", c.shop)}
	case status == http.StatusTooManyRequests:
		return nil, &attemptError{err: unavailableRetry(status, retryAfter(resp.Header)), retry: true, wait: retryAfter(resp.Header)}
	case status >= 500:
		return nil, &attemptError{err: unavailableRetry(status, 0), retry: true}
	default:
		return nil, &attemptError{err: fmt.Errorf("shopify: unexpected HTTP %d: %.200s", status, raw)}
	}
}

// decode reads a 200 answer: its data, or the GraphQL errors it carries.
func (c *Client) decode(raw []byte) (json.RawMessage, *attemptError) {
	var r graphQLResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, &attemptError{err: unavailable(err, "Shopify answered something that is not GraphQL JSON"), retry: true}
	}
	if len(r.Errors) == 0 {
		return r.Data, nil
	}
	e := r.Errors[0]
	switch e.Extensions.Code {
	case "THROTTLED":
		wait := max(r.Extensions.Cost.refillWait(), 100*time.Millisecond)
		err := domain.Errorf(domain.EUnavailable, "Shopify is throttling calls to %s: try again shortly", c.shop)
		err.RetryAfter = wait
		return nil, &attemptError{err: err, retry: true, wait: wait}
	case "ACCESS_DENIED":
		return nil, &attemptError{err: domain.Errorf(domain.EPermission,
			"Shopify denied access for %s: %s; reconnect Shopify with an access token that has the read_customers, read_orders and read_products scopes", c.shop, e.Message)}
	case "INTERNAL_SERVER_ERROR":
		return nil, &attemptError{err: domain.Errorf(domain.EUnavailable, "Shopify failed to answer: %s", e.Message), retry: true}
	default:
		return nil, &attemptError{err: fmt.Errorf("shopify: query rejected: %s (%s)", e.Message, e.Extensions.Code)}
	}
}

// retryAfter reads a Retry-After header given in seconds (0 if absent).
func retryAfter(h http.Header) time.Duration {
	secs, err := strconv.ParseFloat(h.Get("Retry-After"), 64)
	if err != nil || secs <= 0 {
		return 0
	}
	return time.Duration(secs * float64(time.Second))
}

// unavailableRetry is the error of a 429 or 5xx answer.
func unavailableRetry(status int, after time.Duration) error {
	err := domain.Errorf(domain.EUnavailable, "Shopify is unavailable (HTTP %d): try again later", status)
	err.RetryAfter = after
	return err
}

// unavailable is an EUnavailable error with message, wrapping cause for logs.
func unavailable(cause error, message string) error {
	return errors.Join(domain.Errorf(domain.EUnavailable, "%s", message), cause)
}

// Checker validates a Shopify integration's credentials when it is connected.
type Checker struct {
	// Options tune the client used for the check.
	Options Options
}

// Check reads the shop's name with the integration's credentials. Returns EInvalid if
// the domain or token is malformed or rejected, or the shop does not exist, and
// EUnavailable if Shopify cannot be reached.
func (k Checker) Check(ctx context.Context, in domain.Integration) error {
	c, err := New(in, k.Options)
	if err != nil {
		return err
	}
	var data struct {
		Shop struct {
			Name string `json:"name"`
		} `json:"shop"`
	}
	err = c.query(ctx, `query { shop { name } }`, nil, &data)
	switch domain.CodeOf(err) {
	case domain.EPermission, domain.EFailedPrecondition:
		var de *domain.Error
		errors.As(err, &de)
		return domain.Errorf(domain.EInvalid, "%s", de.Message)
	}
	return err
}
