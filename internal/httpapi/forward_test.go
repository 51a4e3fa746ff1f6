package httpapi

import (
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// TestForwardedHeaders: only a request signed with the cluster secret over
// its method, path, query, account, caller and time is trusted as
// forwarded by another replica; every other request loses the internal
// headers (an outside caller cannot assert an account).
func TestForwardedHeaders(t *testing.T) {
	secret := []byte("0123456789abcdef-secret")
	s := &Server{cfg: Config{ClusterSecret: secret, Tenant: tenant.Tenant{Account: "111111111111", Region: "us-east-1"}}, log: slog.New(slog.DiscardHandler)}
	path := "/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-east-1%3A222222222222%3Aruntime%2Fa-1234567890/invocations"
	req := func(mod func(ts *int64, acct, sig *string, path *string)) (bool, string, int) {
		ts, acct, p := time.Now().Unix(), "222222222222", path
		sig := ""
		mod(&ts, &acct, &sig, &p)
		tsS := strconv.FormatInt(ts, 10)
		if sig == "" {
			sig = fwdSignature(secret, "POST", path, "qualifier=DEFAULT", "222222222222", "sigv4", tsS, "1") // the originals
		}
		r := httptest.NewRequest("POST", p+"?qualifier=DEFAULT", nil)
		for k, v := range map[string]string{hFwdAccount: acct, hFwdCaller: "sigv4", hFwdTime: tsS, hFwdHops: "1", hFwdSig: sig} {
			r.Header.Set(k, v)
		}
		ctx, hops, ok := s.forwarded(r)
		for _, h := range fwdHeaders {
			if r.Header.Get(h) != "" {
				t.Fatalf("internal header %s left on the request", h)
			}
		}
		if !ok {
			return false, "", 0
		}
		tt, _ := tenant.From(ctx)
		if !callerOf(ctx).SigV4 {
			t.Fatal("forwarded SigV4 caller lost")
		}
		return true, tt.Account, hops
	}
	if ok, acct, hops := req(func(*int64, *string, *string, *string) {}); !ok || acct != "222222222222" || hops != 1 {
		t.Fatalf("valid forwarded request: ok %v account %s hops %d", ok, acct, hops)
	}
	for name, mod := range map[string]func(ts *int64, acct, sig, p *string){
		"forged signature": func(_ *int64, _, sig, _ *string) { *sig = "00" },
		"other account":    func(_ *int64, acct, _, _ *string) { *acct = "333333333333" },
		"other path":       func(_ *int64, _, _, p *string) { *p = "/runtimes/x/invocations" },
		"stale":            func(ts *int64, _, _, _ *string) { *ts -= 3600 },
	} {
		if ok, _, _ := req(mod); ok {
			t.Errorf("%s: trusted as forwarded", name)
		}
	}
	s.cfg.ClusterSecret = nil // a server that is not a replica trusts no forwarding
	if ok, _, _ := req(func(*int64, *string, *string, *string) {}); ok {
		t.Error("trusted a forwarded request without a cluster secret")
	}
}

// TestForwardOpsAreRoutes: every operation of the forwarding table is a
// routed operation (a renamed route would silently stop being forwarded),
// and every tool operation says where its session is.
func TestForwardOpsAreRoutes(t *testing.T) {
	ops := map[string]bool{}
	for _, line := range AllOps() { // METHOD PATH OP
		f := strings.Fields(line)
		ops[f[len(f)-1]] = true
	}
	for op, fo := range forwardOps {
		if !ops[op] {
			t.Errorf("forwardOps names %s, which no route has", op)
		}
		if fo.tool != "" && fo.session == nil && !fo.fromBody {
			t.Errorf("forwardOps: %s does not say where its session is", op)
		}
	}
}
