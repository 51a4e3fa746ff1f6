package httpapi

import (
	"context"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// rateLimits holds the request-rate quotas (--max-request-rate per account,
// --max-invoke-rate per account and agent runtime) as token buckets that
// refill at the rate and hold twice it. Buckets idle for a minute are
// dropped, so the map stays as small as the set of active callers.
type rateLimits struct {
	perAccount, perInvoke int
	mu                    sync.Mutex
	buckets               map[string]*bucket
	swept                 time.Time
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

func newRateLimits(perAccount, perInvoke int) *rateLimits {
	if perAccount <= 0 && perInvoke <= 0 {
		return nil
	}
	return &rateLimits{perAccount: perAccount, perInvoke: perInvoke, buckets: map[string]*bucket{}, swept: time.Now()}
}

// check takes a token for one request of acct (op, and for invocations the
// runtime named by arn) and answers a ThrottlingException when a bucket is
// empty.
func (l *rateLimits) check(acct, op, arn string) error {
	if l == nil {
		return nil
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.used) > time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	if l.perAccount > 0 && !l.take("a|"+acct, l.perAccount, now) {
		return errs.E(errs.Throttled, "account %s makes more than %d requests per second (--max-request-rate); slow down and retry", acct, l.perAccount)
	}
	if l.perInvoke > 0 && op == "InvokeAgentRuntime" {
		id := arn
		if _, after, ok := strings.Cut(arn, ":runtime/"); ok {
			id = after
		}
		if !l.take("i|"+acct+"|"+id, l.perInvoke, now) {
			return errs.E(errs.Throttled, "agent runtime %s gets more than %d invocations per second (--max-invoke-rate); slow down and retry", id, l.perInvoke)
		}
	}
	return nil
}

func (l *rateLimits) take(key string, perSecond int, now time.Time) bool {
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(perSecond), 2*perSecond)}
		l.buckets[key] = b
	}
	b.used = now
	return b.lim.AllowN(now, 1)
}

// tenantAccount is the authenticated caller's account ("" when none).
func tenantAccount(ctx context.Context) string {
	t, _ := tenant.From(ctx)
	return t.Account
}
