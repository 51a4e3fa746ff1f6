package policy

import (
	"context"
	"crypto/rand"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Options configure the service.
type Options struct {
	KV store.KV
	// Tools resolves gateway tools for schema validation; nil = syntax
	// checks only.
	Tools     Tools
	Generator Generator
	Logger    *slog.Logger
	OnDelete  func(ctx context.Context, arn string)
}

// Service implements policy engines, policies and authorization.
type Service struct {
	o   Options
	kv  store.KV
	log *slog.Logger
	now func() time.Time

	cmu   sync.RWMutex
	cache map[string]*compiled // acct/engineID → compiled policies
	nmu   sync.RWMutex
	nodes map[string]*node // tool input schema → conversion tree
}

// New returns the service.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{o: o, kv: o.KV, log: o.Logger.With("component", "policy"), now: time.Now, cache: map[string]*compiled{}, nodes: map[string]*node{}}
	if n, ok := o.KV.(store.Notifier); ok {
		// Writes by any server (replicas on one database) drop compiled
		// policies at once; the periodic fingerprint check stays as the
		// backstop.
		n.Watch(context.Background(), tblEngine, s.invalidateKey)
		n.Watch(context.Background(), tblPolicy, s.invalidateKey)
	}
	return s
}

// SetTools wires the gateway tool source after construction.
func (s *Service) SetTools(t Tools) { s.o.Tools = t }

var (
	nameRE     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,47}$`)
	engineIDRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9_]{10}$`)
)

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

func randID(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // never fails
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return string(b)
}

func engineARN(t tenant.Tenant, id string) string {
	return "arn:aws:bedrock-agentcore:" + t.Region + ":" + t.Account + ":policy-engine/" + id
}

func key(acct, id string) string { return acct + "/" + id }

func checkEngineID(id string) error {
	if !engineIDRE.MatchString(id) {
		return errs.Field("policyEngineId", "policyEngineId %q is not a valid policy engine id", id)
	}
	return nil
}

func checkPolicyID(id string) error {
	if !engineIDRE.MatchString(id) {
		return errs.Field("policyId", "policyId %q is not a valid policy id", id)
	}
	return nil
}

// CreateEngine stores a new policy engine (ACTIVE at once) with its tags.
func (s *Service) CreateEngine(ctx context.Context, name, description, kmsKey string, tags map[string]string) (*Engine, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if !nameRE.MatchString(name) {
		return nil, errs.Field("name", "name %q must start with a letter and contain only letters, digits and underscores (at most 48)", name)
	}
	if len(description) > 4096 {
		return nil, errs.Field("description", "description is longer than 4096 characters")
	}
	now := s.now().UTC()
	id := name + "-" + randID(10)
	e := &Engine{ID: id, ARN: engineARN(t, id), Name: name, Description: description, EncryptionKeyArn: kmsKey,
		Status: StatusActive, StatusReasons: []string{}, CreatedAt: now, UpdatedAt: now}
	err = s.kv.Txn(ctx, append([]store.Op{createOp(tblEngine, key(t.Account, id), e),
		createOp(tblEngineName, key(t.Account, strings.ToLower(name)), id)}, tagging.PutOps(e.ARN, tags)...)...)
	if errs.KindOf(err) == errs.Conflict {
		return nil, errs.E(errs.Conflict, "a policy engine named %s already exists", name)
	}
	return e, err
}

// GetEngine returns a policy engine.
func (s *Service) GetEngine(ctx context.Context, id string) (*Engine, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkEngineID(id); err != nil {
		return nil, err
	}
	return getJSON[Engine](ctx, s.kv, tblEngine, key(t.Account, id), "policy engine "+id)
}

// UpdateEngine changes an engine's description.
func (s *Service) UpdateEngine(ctx context.Context, id string, description *string) (*Engine, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkEngineID(id); err != nil {
		return nil, err
	}
	if description != nil && len(*description) > 4096 {
		return nil, errs.Field("description", "description is longer than 4096 characters")
	}
	var e *Engine
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if e, rev, err = getRev[Engine](ctx, s.kv, tblEngine, key(t.Account, id), "policy engine "+id); err != nil {
			return err
		}
		if description != nil {
			e.Description = *description
		}
		e.UpdatedAt = s.now().UTC()
		return s.kv.Txn(ctx, updateOp(tblEngine, key(t.Account, id), rev, e))
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// DeleteEngine removes an engine that has no policies.
func (s *Service) DeleteEngine(ctx context.Context, id string) (*Engine, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkEngineID(id); err != nil {
		return nil, err
	}
	var e *Engine
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if e, rev, err = getRev[Engine](ctx, s.kv, tblEngine, key(t.Account, id), "policy engine "+id); err != nil {
			return err
		}
		ps, err := s.kv.List(ctx, tblPolicy, key(t.Account, id)+"/", "", 1)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			return errs.E(errs.Conflict, "policy engine %s still has policies; delete them first", id)
		}
		// At the revision read: policy creates fence on the engine, so a
		// policy created meanwhile fails this delete (and the retry sees it).
		err = s.kv.Txn(ctx, store.DeleteAt(tblEngine, key(t.Account, id), rev),
			deleteOp(tblEngineName, key(t.Account, strings.ToLower(e.Name))), tagging.DeleteOp(e.ARN))
		if errs.KindOf(err) == errs.NotFound {
			return errs.E(errs.NotFound, "policy engine %s not found", id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.invalidate(t.Account, id)
	if s.o.OnDelete != nil {
		s.o.OnDelete(ctx, e.ARN)
	}
	e.Status = StatusDeleting
	return e, nil
}

// ListEngines pages through the tenant's engines.
func (s *Service) ListEngines(ctx context.Context, p Page) ([]*Engine, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	return list[Engine](ctx, s.kv, tblEngine, t.Account+"/", p)
}

// Exists reports whether arn names an engine of this account (tagging).
func (s *Service) Exists(ctx context.Context, arn string) bool {
	t, err := tenant.From(ctx)
	if err != nil {
		return false
	}
	prefix := engineARN(t, "")
	if !strings.HasPrefix(arn, prefix) || strings.Contains(strings.TrimPrefix(arn, prefix), "/") {
		return false
	}
	_, err = s.GetEngine(ctx, strings.TrimPrefix(arn, prefix))
	return err == nil
}

// EngineIDFromARN extracts the engine id of an engine ARN in this tenant.
func EngineIDFromARN(t tenant.Tenant, arn string) (string, bool) {
	prefix := engineARN(t, "")
	if !strings.HasPrefix(arn, prefix) {
		return "", false
	}
	return strings.TrimPrefix(arn, prefix), true
}

// invalidateKey drops the compiled policies of an engine or policy store key
// (acct/engine[/policy]) from a change notification; "" drops all.
func (s *Service) invalidateKey(k string) {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	if k == "" {
		clear(s.cache)
		return
	}
	if parts := strings.SplitN(k, "/", 3); len(parts) >= 2 {
		delete(s.cache, key(parts[0], parts[1]))
	}
}

func (s *Service) invalidate(acct, engineID string) {
	s.cmu.Lock()
	delete(s.cache, key(acct, engineID))
	s.cmu.Unlock()
}
