package tagging_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

const arn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/gw-1"

func setup(t *testing.T) (context.Context, store.KV, *tagging.Service) {
	t.Helper()
	kv, err := sqlite.Open(context.Background(), t.TempDir()+"/s.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kv.Close() })
	ctx := tenant.With(context.Background(), tenant.Tenant{Account: "123456789012", Region: "us-east-1"})
	exists := func(ctx context.Context, a string) bool {
		_, err := kv.Get(ctx, "res", a)
		return err == nil
	}
	return ctx, kv, tagging.New(kv, exists)
}

// The tags of a resource are written by its own transaction: with it, or
// not at all, and deleted by its delete.
func TestOpsShareTheResourceTransaction(t *testing.T) {
	ctx, kv, svc := setup(t)
	if err := kv.Txn(ctx, append([]store.Op{store.CreateJSON("res", arn, "v")}, tagging.PutOps(arn, map[string]string{"a": "1"})...)...); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.List(ctx, arn); err != nil || got["a"] != "1" {
		t.Fatalf("after create: %v %v", got, err)
	}
	// A second create of the same resource fails, and so does its tag write.
	err := kv.Txn(ctx, append([]store.Op{store.CreateJSON("res", arn, "v2")}, tagging.PutOps(arn, map[string]string{"b": "2"})...)...)
	if errs.KindOf(err) != errs.Conflict {
		t.Fatalf("duplicate create: %v", err)
	}
	if got, _ := svc.List(ctx, arn); len(got) != 1 || got["b"] != "" {
		t.Fatalf("a failed create changed the tags: %v", got)
	}
	if err := kv.Txn(ctx, store.DeleteAny("res", arn), tagging.DeleteOp(arn)); err != nil {
		t.Fatal(err)
	}
	if items, _ := kv.List(ctx, "tags", "", "", 0); len(items) != 0 {
		t.Fatalf("tags left after delete: %v", items)
	}
	if tagging.PutOps(arn, nil) != nil {
		t.Fatal("no tags: no op")
	}
}

// Concurrent TagResource calls merge: none of their keys is lost.
func TestConcurrentTagsMerge(t *testing.T) {
	ctx, kv, svc := setup(t)
	if err := kv.Txn(ctx, store.CreateJSON("res", arn, "v")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := svc.Tag(ctx, arn, map[string]string{fmt.Sprint("k", i): "v"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got, err := svc.List(ctx, arn); err != nil || len(got) != 8 {
		t.Fatalf("tags after concurrent TagResource: %v %v", got, err)
	}
}

// Credential provider ARNs (the token vault's acps ARNs) are taggable.
func TestProviderARNsAreTaggable(t *testing.T) {
	ctx, kv, svc := setup(t)
	p := "arn:aws:acps:us-east-1:123456789012:token-vault/default/oauth2credentialprovider/my-op"
	if err := kv.Txn(ctx, store.CreateJSON("res", p, "v")); err != nil {
		t.Fatal(err)
	}
	if err := svc.Tag(ctx, p, map[string]string{"x": "y"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Tag(ctx, "arn:aws:s3:::bucket", map[string]string{"x": "y"}); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("foreign ARN: %v", err)
	}
}
