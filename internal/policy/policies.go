package policy

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	cedar "github.com/cedar-policy/cedar-go"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

func policyKey(acct, engine, id string) string { return acct + "/" + engine + "/" + id }

// check parses and validates a policy statement for an engine.
func (s *Service) check(ctx context.Context, e *Engine, def *Definition, mode string) error {
	var fromGateway string // a generated policy is checked against its generation's gateway
	if def != nil && def.PolicyGeneration != nil && def.Cedar == nil && def.Policy == nil {
		stmt, gw, err := s.generatedStatement(ctx, e.ID, def.PolicyGeneration)
		if err != nil {
			return err
		}
		*def = Definition{Cedar: &Statement{Statement: stmt}}
		fromGateway = gw
	}
	if def == nil || (def.Cedar == nil && def.Policy == nil) {
		return errs.Field("definition", "definition.cedar.statement is required")
	}
	p, err := parse(def.text())
	if err != nil {
		return err
	}
	switch mode {
	case "", ValidateFailOnFindings:
	case ValidateIgnoreFindings:
		return nil
	default:
		return errs.Field("validationMode", "validationMode must be FAIL_ON_ANY_FINDINGS or IGNORE_ALL_FINDINGS")
	}
	if s.o.Tools == nil {
		return nil
	}
	gws := scopeGateways(p)
	if gws == nil && fromGateway != "" {
		gws = []string{fromGateway}
	}
	if gws == nil {
		if gws, err = s.o.Tools.EngineGateways(ctx, e.ARN); err != nil {
			return err
		}
	}
	var tools []Tool
	seen := map[string]bool{}
	for _, g := range gws {
		ts, err := s.o.Tools.GatewayTools(ctx, g)
		if errs.KindOf(err) == errs.NotFound {
			return errs.Field("definition.cedar.statement", "the policy's resource names gateway %s, which does not exist", g)
		}
		if err != nil {
			return err
		}
		for _, t := range ts {
			if !seen[t.Name] {
				seen[t.Name] = true
				tools = append(tools, t)
			}
		}
	}
	if len(gws) == 0 {
		return nil // no gateway uses the engine yet: syntax only
	}
	rs, err := Schema(tools)
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "building the Cedar schema from the gateway's tools")
	}
	return validatePolicy(rs, p)
}

func checkEnforcement(m string) (string, error) {
	switch m {
	case "":
		return EnforceActive, nil
	case EnforceActive, EnforceLogOnly:
		return m, nil
	}
	return "", errs.Field("enforcementMode", "enforcementMode must be ACTIVE or LOG_ONLY")
}

// CreatePolicy validates and stores a policy.
func (s *Service) CreatePolicy(ctx context.Context, engineID string, in PolicyInput) (*Policy, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkEngineID(engineID); err != nil {
		return nil, err
	}
	e, err := s.GetEngine(ctx, engineID)
	if err != nil {
		return nil, err
	}
	if !nameRE.MatchString(in.Name) {
		return nil, errs.Field("name", "name %q must start with a letter and contain only letters, digits and underscores (at most 48)", in.Name)
	}
	mode, err := checkEnforcement(in.EnforcementMode)
	if err != nil {
		return nil, err
	}
	if err := s.check(ctx, e, in.Definition, in.ValidationMode); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	id := in.Name + "-" + randID(10)
	p := &Policy{ID: id, ARN: e.ARN + "/policy/" + id, EngineID: engineID, Name: in.Name, Definition: *in.Definition,
		EnforcementMode: mode, Status: StatusActive, StatusReasons: []string{}, CreatedAt: now, UpdatedAt: now}
	if in.Description != nil {
		p.Description = *in.Description
	}
	err = store.Retry(ctx, func() error {
		// The engine, rewritten unchanged at the revision read, fences the
		// policy against a concurrent engine delete.
		e, rev, err := getRev[Engine](ctx, s.kv, tblEngine, key(t.Account, engineID), "policy engine "+engineID)
		if err != nil {
			return err
		}
		err = s.kv.Txn(ctx, updateOp(tblEngine, key(t.Account, engineID), rev, e),
			createOp(tblPolicy, policyKey(t.Account, engineID, id), p),
			createOp(tblPolicyName, policyKey(t.Account, engineID, strings.ToLower(in.Name)), id))
		if errs.KindOf(err) == errs.Conflict && nameTaken(ctx, s.kv, tblPolicyName, policyKey(t.Account, engineID, strings.ToLower(in.Name)), id) {
			return errs.E(errs.Conflict, "policy engine %s already has a policy named %s", engineID, in.Name)
		}
		if errs.KindOf(err) == errs.NotFound {
			return errs.E(errs.NotFound, "policy engine %s not found", engineID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.invalidate(t.Account, engineID)
	s.log.Info("policy created", "engine", engineID, "policy", id)
	return p, nil
}

// GetPolicy returns a policy.
func (s *Service) GetPolicy(ctx context.Context, engineID, id string) (*Policy, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkEngineID(engineID); err != nil {
		return nil, err
	}
	if err := checkPolicyID(id); err != nil {
		return nil, err
	}
	if _, err := s.GetEngine(ctx, engineID); err != nil {
		return nil, err
	}
	return getJSON[Policy](ctx, s.kv, tblPolicy, policyKey(t.Account, engineID, id), "policy "+id)
}

// UpdatePolicy changes a policy's definition, description or mode.
func (s *Service) UpdatePolicy(ctx context.Context, engineID, id string, in PolicyInput) (*Policy, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.GetPolicy(ctx, engineID, id); err != nil {
		return nil, err // validates the ids
	}
	e, err := s.GetEngine(ctx, engineID)
	if err != nil {
		return nil, err
	}
	if in.Definition != nil {
		if err := s.check(ctx, e, in.Definition, in.ValidationMode); err != nil {
			return nil, err
		}
	}
	mode := ""
	if in.EnforcementMode != "" {
		if mode, err = checkEnforcement(in.EnforcementMode); err != nil {
			return nil, err
		}
	}
	var p *Policy
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if p, rev, err = getRev[Policy](ctx, s.kv, tblPolicy, policyKey(t.Account, engineID, id), "policy "+id); err != nil {
			return err
		}
		if in.Definition != nil {
			p.Definition = *in.Definition
		}
		if mode != "" {
			p.EnforcementMode = mode
		}
		if in.Description != nil {
			p.Description = *in.Description
		}
		p.UpdatedAt = s.now().UTC()
		return s.kv.Txn(ctx, updateOp(tblPolicy, policyKey(t.Account, engineID, id), rev, p))
	})
	if err != nil {
		return nil, err
	}
	s.invalidate(t.Account, engineID)
	return p, nil
}

// DeletePolicy removes a policy.
func (s *Service) DeletePolicy(ctx context.Context, engineID, id string) (*Policy, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.GetPolicy(ctx, engineID, id)
	if err != nil {
		return nil, err
	}
	if err := s.kv.Txn(ctx, deleteOp(tblPolicy, policyKey(t.Account, engineID, id)),
		deleteOp(tblPolicyName, policyKey(t.Account, engineID, strings.ToLower(p.Name)))); err != nil {
		return nil, err
	}
	s.invalidate(t.Account, engineID)
	p.Status = StatusDeleting
	return p, nil
}

// ListPolicies pages through an engine's policies.
func (s *Service) ListPolicies(ctx context.Context, engineID string, p Page) ([]*Policy, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.GetEngine(ctx, engineID); err != nil {
		return nil, "", err
	}
	return list[Policy](ctx, s.kv, tblPolicy, policyKey(t.Account, engineID, ""), p)
}

// Request is one authorization question (see gateway.AuthzRequest).
type Request struct {
	EngineARN, GatewayARN, Action, Principal string
	Claims                                   map[string]any
	Input                                    map[string]any
	// InputSchema is the tool's input schema (numbers it types "number"
	// are decimals); nil = JSON types only.
	InputSchema json.RawMessage
}

// Authorize decides a request under the engine's ACTIVE policies (default
// deny). It returns the determining policy ids and evaluation errors.
func (s *Service) Authorize(ctx context.Context, r *Request) (bool, []string, []string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return false, nil, nil, err
	}
	id, ok := EngineIDFromARN(t, r.EngineARN)
	if !ok {
		return false, nil, nil, errs.E(errs.NotFound, "policy engine %s not found", r.EngineARN)
	}
	c, err := s.compiled(ctx, t.Account, id)
	if err != nil {
		return false, nil, nil, err
	}
	req, ents := request(r.Principal, r.Claims, r.Action, r.GatewayARN, r.Input, s.schemaNode(r.InputSchema))
	allow, ids, evalErrs := c.decide(req, ents)
	return allow, ids, evalErrs, nil
}

// schemaNode parses (and caches) a tool input schema for value conversion.
func (s *Service) schemaNode(raw json.RawMessage) *node {
	if len(raw) == 0 {
		return nil
	}
	s.nmu.RLock()
	n, ok := s.nodes[string(raw)] // no allocation for the lookup
	s.nmu.RUnlock()
	if ok {
		return n
	}
	n = parseNode(raw, 0)
	s.nmu.Lock()
	if len(s.nodes) > 10000 {
		clear(s.nodes)
	}
	s.nodes[string(raw)] = n
	s.nmu.Unlock()
	return n
}

// revalidate is how often a compiled engine is compared with the store, so
// policies written through another server on the same database apply.
const revalidate = 2 * time.Second

// fingerprint is the store revisions of an engine's policies.
func (s *Service) fingerprint(ctx context.Context, acct, engineID string) (string, error) {
	items, err := s.kv.List(ctx, tblPolicy, policyKey(acct, engineID, ""), "", 0)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, it := range items {
		b.WriteString(it.Key + "@" + strconv.FormatInt(it.Revision, 10) + ";")
	}
	return b.String(), nil
}

func (s *Service) compiled(ctx context.Context, acct, engineID string) (*compiled, error) {
	k := key(acct, engineID)
	s.cmu.RLock()
	c := s.cache[k]
	s.cmu.RUnlock()
	if c != nil {
		last := c.checked.Load()
		if time.Since(time.Unix(0, last)) <= revalidate || !c.checked.CompareAndSwap(last, time.Now().UnixNano()) {
			return c, nil
		}
		if fp, err := s.fingerprint(ctx, acct, engineID); err != nil || fp == c.fp {
			return c, nil
		}
	}
	if _, err := getJSON[Engine](ctx, s.kv, tblEngine, k, "policy engine "+engineID); err != nil {
		return nil, err
	}
	fp, err := s.fingerprint(ctx, acct, engineID)
	if err != nil {
		return nil, err
	}
	var all []*Policy
	next := ""
	for {
		ps, tok, err := list[Policy](ctx, s.kv, tblPolicy, policyKey(acct, engineID, ""), Page{MaxResults: 1000, NextToken: next})
		if err != nil {
			return nil, err
		}
		all = append(all, ps...)
		if tok == "" {
			break
		}
		next = tok
	}
	c, err = compile(all)
	if err != nil {
		return nil, err
	}
	c.fp = fp
	c.checked.Store(time.Now().UnixNano())
	s.cmu.Lock()
	s.cache[k] = c
	s.cmu.Unlock()
	return c, nil
}

var _ = cedar.Allow
