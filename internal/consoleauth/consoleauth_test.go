package consoleauth_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/consoleauth"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

// TestSessions: sign-in with the right pair only, the stored key is not the
// token, a session ends at its lifetime, on sign-out, and when its access
// key is removed; CSRF tokens differ between sessions.
func TestSessions(t *testing.T) {
	ctx := context.Background()
	kv, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer kv.Close()
	keys, _ := sigv4.NewKeys(sigv4.Credential{AccessKeyID: "AKIDONE", SecretAccessKey: "s1", Account: "111111111111"})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	svc := consoleauth.New(consoleauth.Options{KV: kv, Lookup: keys.Lookup, Lifetime: time.Hour, Now: func() time.Time { return now }})

	for _, pair := range [][2]string{{"AKIDONE", "s2"}, {"AKIDTWO", "s1"}} {
		if _, err := svc.SignIn(ctx, pair[0], pair[1]); errs.KindOf(err) != errs.AccessDenied {
			t.Errorf("sign in %v: %v", pair, err)
		}
	}
	s1, err := svc.SignIn(ctx, "AKIDONE", "s1")
	if err != nil || s1.Account != "111111111111" || len(s1.Token) != 43 || s1.CSRF == "" {
		t.Fatalf("sign in: %+v %v", s1, err)
	}
	s2, _ := svc.SignIn(ctx, "AKIDONE", "s1")
	if s1.CSRF == s2.CSRF || s1.Token == s2.Token {
		t.Fatal("two sessions share a token")
	}
	items, _ := kv.List(ctx, "console_sessions", "", "", 10)
	for _, it := range items {
		if it.Key == s1.Token || it.Key == s2.Token {
			t.Fatal("the store keeps the token itself")
		}
	}
	got, err := svc.Lookup(ctx, s1.Token)
	if err != nil || got.CSRF != s1.CSRF || !got.CheckCSRF(s1.CSRF) || got.CheckCSRF(s2.CSRF) || got.CheckCSRF("") {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	if err := svc.SignOut(ctx, s2.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Lookup(ctx, s2.Token); errs.KindOf(err) != errs.NotFound {
		t.Errorf("signed-out session: %v", err)
	}
	now = now.Add(time.Hour)
	if _, err := svc.Lookup(ctx, s1.Token); errs.KindOf(err) != errs.NotFound {
		t.Errorf("expired session: %v", err)
	}
	if items, _ := kv.List(ctx, "console_sessions", "", "", 10); len(items) != 0 {
		t.Errorf("%d sessions left in the store", len(items))
	}
	// A session whose key is no longer configured ends.
	keys2, _ := sigv4.NewKeys(sigv4.Credential{AccessKeyID: "AKIDONE", SecretAccessKey: "s1", Account: "111111111111"})
	svc2 := consoleauth.New(consoleauth.Options{KV: kv, Lookup: keys2.Lookup, Now: func() time.Time { return now }})
	s3, _ := svc2.SignIn(ctx, "AKIDONE", "s1")
	gone := consoleauth.New(consoleauth.Options{KV: kv, Lookup: func(string) *sigv4.Credential { return nil }, Now: func() time.Time { return now }})
	if _, err := gone.Lookup(ctx, s3.Token); errs.KindOf(err) != errs.NotFound {
		t.Errorf("session of a removed key: %v", err)
	}

	// Guessing: the 11th wrong pair in 5 minutes is throttled, the right one too, until the window passes.
	for i := 0; i < 10; i++ {
		if _, err := svc2.SignIn(ctx, "AKIDONE", "guess"); errs.KindOf(err) != errs.AccessDenied {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if _, err := svc2.SignIn(ctx, "AKIDONE", "s1"); errs.KindOf(err) != errs.Throttled {
		t.Errorf("after 10 failures: %v", err)
	}
	now = now.Add(5 * time.Minute)
	if _, err := svc2.SignIn(ctx, "AKIDONE", "s1"); err != nil {
		t.Errorf("after the window: %v", err)
	}
}
