// Package tagging implements TagResource, UntagResource and
// ListTagsForResource for every taggable resource ARN.
package tagging

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

const table = "tags"

// arnRE matches taggable ARNs: bedrock-agentcore resources and the token
// vault's credential providers (arn:aws:acps:...:token-vault/default/
// oauth2credentialprovider/name, as identity.ProviderARN spells them).
var arnRE = regexp.MustCompile(`^arn:(?:[^:]+)?:(?:bedrock-agentcore|acps):[a-z0-9-]+:[0-9]{12}:([a-z-]+/[^/]+)(?:/[a-z0-9-]+/[^/]+)*$`)

// Exists reports whether a resource ARN names a live resource.
type Exists func(ctx context.Context, arn string) bool

// Service stores tags per ARN.
type Service struct {
	kv     store.KV
	exists []Exists
}

// New returns the service; each checker recognises some resource types.
func New(kv store.KV, exists ...Exists) *Service { return &Service{kv: kv, exists: exists} }

// AddChecker registers another resource-existence check.
func (s *Service) AddChecker(e Exists) { s.exists = append(s.exists, e) }

func (s *Service) check(ctx context.Context, arn string) error {
	if len(arn) < 20 || len(arn) > 1011 || !arnRE.MatchString(arn) {
		return errs.Field("resourceArn", "resourceArn %q is not a taggable bedrock-agentcore ARN", arn)
	}
	// Only the owning account sees or changes a resource's tags.
	if t, err := tenant.From(ctx); err == nil && strings.Split(arn, ":")[4] != t.Account {
		return errs.E(errs.NotFound, "resource %s not found", arn)
	}
	for _, e := range s.exists {
		if e(ctx, arn) {
			return nil
		}
	}
	return errs.E(errs.NotFound, "resource %s not found", arn)
}

// Validate checks a tag map without storing it.
func Validate(tags map[string]string) error {
	if len(tags) > 50 {
		return errs.Field("tags", "at most 50 tags are allowed")
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errs.Field("tags", "tag key %q is not valid (1-128 characters, not starting with aws:)", k)
		}
		if len(v) > 256 {
			return errs.Field("tags", "tag value for %q is longer than 256 characters", k)
		}
	}
	return nil
}

// List returns the tags of a resource.
func (s *Service) List(ctx context.Context, arn string) (map[string]string, error) {
	if err := s.check(ctx, arn); err != nil {
		return nil, err
	}
	return s.get(ctx, arn)
}

func (s *Service) get(ctx context.Context, arn string) (map[string]string, error) {
	m, _, err := s.read(ctx, arn)
	return m, err
}

// read returns an ARN's tags and their revision (0: none stored).
func (s *Service) read(ctx context.Context, arn string) (map[string]string, int64, error) {
	it, err := s.kv.Get(ctx, table, arn)
	if errs.KindOf(err) == errs.NotFound {
		return map[string]string{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	m := map[string]string{}
	return m, it.Revision, json.Unmarshal(it.Value, &m)
}

// Tag adds or replaces tags.
func (s *Service) Tag(ctx context.Context, arn string, tags map[string]string) error {
	if err := s.check(ctx, arn); err != nil {
		return err
	}
	if err := Validate(tags); err != nil {
		return err
	}
	return s.change(ctx, arn, func(cur map[string]string) error {
		for k, v := range tags {
			cur[k] = v
		}
		return Validate(cur)
	})
}

// change is a revision-checked read-modify-write of an ARN's tags, retried
// when another writer changed them in between.
func (s *Service) change(ctx context.Context, arn string, apply func(cur map[string]string) error) error {
	return store.Retry(ctx, func() error {
		cur, rev, err := s.read(ctx, arn)
		if err != nil {
			return err
		}
		if err := apply(cur); err != nil {
			return err
		}
		b, _ := json.Marshal(cur)
		if rev == 0 {
			return s.kv.Txn(ctx, store.Op{Kind: store.OpCreate, Table: table, Key: arn, Value: b})
		}
		return s.kv.Txn(ctx, store.Op{Kind: store.OpUpdate, Table: table, Key: arn, Value: b, Revision: rev})
	})
}

// Untag removes tag keys.
func (s *Service) Untag(ctx context.Context, arn string, keys []string) error {
	if err := s.check(ctx, arn); err != nil {
		return err
	}
	if len(keys) > 200 {
		return errs.Field("tagKeys", "at most 200 tag keys are allowed")
	}
	return s.change(ctx, arn, func(cur map[string]string) error {
		for _, k := range keys {
			delete(cur, k)
		}
		return nil
	})
}

// PutOps returns the write that stores the tags of a resource being
// created, for the resource's own create transaction (nil without tags), so
// the resource and its tags are stored together or not at all. Callers
// validate tags (Validate) before.
func PutOps(arn string, tags map[string]string) []store.Op {
	if len(tags) == 0 {
		return nil
	}
	b, _ := json.Marshal(tags)
	return []store.Op{{Kind: store.OpPut, Table: table, Key: arn, Value: b}}
}

// DeleteOp drops the tags of a resource, for the resource's own delete
// transaction (no-op when it has none).
func DeleteOp(arn string) store.Op { return store.DeleteAny(table, arn) }
