package tandemclient

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	"connectrpc.com/connect"
)

// DefaultCallTimeout bounds a unary call (its retries included) whose context has no
// deadline of its own.
const DefaultCallTimeout = 30 * time.Second

// RetryPolicy says how often and how patiently a call is retried.
type RetryPolicy struct {
	// Attempts is the number of tries in all, the first included.
	Attempts int
	// MinDelay is the first wait; each next one doubles, up to MaxDelay, with jitter.
	MinDelay time.Duration
	// MaxDelay caps a wait, including a server's Retry-After hint.
	MaxDelay time.Duration
}

// DefaultRetryPolicy tries four times over about two seconds.
var DefaultRetryPolicy = RetryPolicy{Attempts: 4, MinDelay: 200 * time.Millisecond, MaxDelay: 2 * time.Second}

// Resilient returns the client option applications want: a DefaultCallTimeout on unary
// calls without a deadline and retries with DefaultRetryPolicy for calls that are safe
// to repeat. Use it as tandemclient.New(url, credential, tandemclient.Resilient()).
func Resilient() connect.ClientOption {
	return connect.WithInterceptors(CallTimeout(DefaultCallTimeout), Retry(DefaultRetryPolicy))
}

// CallTimeout returns an interceptor giving unary calls without a deadline the timeout d.
// Streams are left alone: they stay open as long as their context.
func CallTimeout(d time.Duration) connect.Interceptor {
	return connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			if _, ok := ctx.Deadline(); !ok {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, d)
				defer cancel()
			}
			return next(ctx, req)
		}
	})
}

// idempotencyKeyed is a request that carries an idempotency key (SendMessage,
// SendAgentMessage): repeating it with the same key writes nothing again.
type idempotencyKeyed interface{ GetIdempotencyKey() string }

// Retryable tells whether a unary call may be repeated: reads (NO_SIDE_EFFECTS methods)
// and writes that carry an idempotency key.
func Retryable(spec connect.Spec, msg any) bool {
	if spec.IdempotencyLevel == connect.IdempotencyNoSideEffects || spec.IdempotencyLevel == connect.IdempotencyIdempotent {
		return true
	}
	k, ok := msg.(idempotencyKeyed)
	return ok && k.GetIdempotencyKey() != ""
}

// Retry returns an interceptor that repeats retryable unary calls (see Retryable) failing
// with Unavailable or ResourceExhausted, waiting with exponential backoff and jitter or
// as long as the server's Retry-After says (capped by MaxDelay).
func Retry(p RetryPolicy) connect.Interceptor {
	return connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			if !Retryable(req.Spec(), req.Any()) {
				return next(ctx, req)
			}
			for attempt := 1; ; attempt++ {
				res, err := next(ctx, req)
				code := connect.CodeOf(err)
				if err == nil || attempt >= p.Attempts || (code != connect.CodeUnavailable && code != connect.CodeResourceExhausted) {
					return res, err
				}
				t := time.NewTimer(p.delay(attempt, err))
				select {
				case <-ctx.Done():
					t.Stop()
					return nil, err
				case <-t.C:
				}
			}
		}
	})
}

// delay is the wait after the failed attempt n (from 1).
func (p RetryPolicy) delay(n int, err error) time.Duration {
	d := min(p.MaxDelay, p.MinDelay<<(n-1))
	var ce *connect.Error
	if errors.As(err, &ce) {
		if s, perr := strconv.Atoi(ce.Meta().Get("Retry-After")); perr == nil && s >= 0 {
			return min(p.MaxDelay, time.Duration(s)*time.Second)
		}
	}
	return d/2 + rand.N(d/2+1)
}
