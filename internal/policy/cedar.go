package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"sync/atomic"

	cedar "github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
	"github.com/cedar-policy/cedar-go/x/exp/schema/resolved"
	"github.com/cedar-policy/cedar-go/x/exp/schema/validate"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// parse compiles one Cedar policy statement.
func parse(text string) (*cedar.Policy, error) {
	if strings.TrimSpace(text) == "" {
		return nil, errs.Field("definition.cedar.statement", "the Cedar statement is empty")
	}
	ps, err := cedar.NewPolicySetFromBytes("policy.cedar", []byte(text))
	if err != nil {
		return nil, errs.Field("definition.cedar.statement", "invalid Cedar policy: %v", err)
	}
	var out *cedar.Policy
	n := 0
	for _, p := range ps.All() {
		out = p
		n++
	}
	if n != 1 {
		return nil, errs.Field("definition.cedar.statement", "the statement must contain exactly one Cedar policy, found %d", n)
	}
	return out, nil
}

// scopeGateways returns the gateway ARNs a policy's resource scope names
// (nil: any gateway).
func scopeGateways(p *cedar.Policy) []string {
	a := (*xast.Policy)(p.AST())
	var uids []types.EntityUID
	switch r := a.Resource.(type) {
	case xast.ScopeTypeEq:
		uids = []types.EntityUID{r.Entity}
	case xast.ScopeTypeIn:
		uids = []types.EntityUID{r.Entity}
	case xast.ScopeTypeIsIn:
		uids = []types.EntityUID{r.Entity}
	}
	var out []string
	for _, u := range uids {
		if string(u.Type) == GatewayType {
			out = append(out, string(u.ID))
		}
	}
	return out
}

// actions returns the tool names a policy's action scope names (nil: all).
func actions(p *cedar.Policy) []string {
	a := (*xast.Policy)(p.AST())
	var uids []types.EntityUID
	switch s := a.Action.(type) {
	case xast.ScopeTypeEq:
		uids = []types.EntityUID{s.Entity}
	case xast.ScopeTypeIn:
		uids = []types.EntityUID{s.Entity}
	case xast.ScopeTypeInSet:
		uids = s.Entities
	default:
		return nil
	}
	out := make([]string, 0, len(uids))
	for _, u := range uids {
		if u.ID == "CallTool" || u.ID == "Mcp" { // the groups every tool action is in
			return nil
		}
		out = append(out, string(u.ID))
	}
	return out
}

// validatePolicy checks a policy against a schema; findings are one
// ValidationException.
func validatePolicy(rs *resolved.Schema, p *cedar.Policy) error {
	err := validate.New(rs).Policy("policy", (*xast.Policy)(p.AST()))
	if err == nil {
		return nil
	}
	var msgs []string
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(strings.TrimPrefix(line, "for policy `policy`, ")); line != "" {
			msgs = append(msgs, line)
		}
	}
	return errs.Field("definition.cedar.statement", "the policy does not validate against the gateway schema: %s", strings.Join(msgs, "; "))
}

// compiled is an engine's ACTIVE policies indexed by action. LOG_ONLY
// policies never decide, so they are left out here.
type compiled struct {
	byAction map[string]*actionSet
	any      *actionSet // policies whose action scope is open

	fp      string       // store revisions compiled from
	checked atomic.Int64 // last comparison with the store (unix ns)
}

// actionSet is what one tool's calls evaluate: forbids first, then permits
// until one holds (Cedar: any satisfied forbid denies, else any satisfied
// permit allows), so a call seldom evaluates every policy.
type actionSet struct {
	forbids, permits []one
}

// one is a single policy as a cedar.PolicyIterator.
type one struct {
	id cedar.PolicyID
	p  *cedar.Policy
}

func (o one) All() iter.Seq2[cedar.PolicyID, *cedar.Policy] {
	return func(yield func(cedar.PolicyID, *cedar.Policy) bool) { yield(o.id, o.p) }
}

func (a *actionSet) add(o one) {
	if o.p.Effect() == cedar.Forbid {
		a.forbids = append(a.forbids, o)
	} else {
		a.permits = append(a.permits, o)
	}
}

func compile(ps []*Policy) (*compiled, error) {
	c := &compiled{byAction: map[string]*actionSet{}, any: &actionSet{}}
	type scopedPolicy struct {
		o   one
		act []string
	}
	var scoped []scopedPolicy
	for _, p := range ps {
		cp, err := parse(p.Definition.text())
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", p.ID, err)
		}
		if p.EnforcementMode == EnforceLogOnly {
			continue
		}
		o := one{cedar.PolicyID(p.ID), cp}
		acts := actions(cp)
		if acts == nil {
			c.any.add(o)
			continue
		}
		scoped = append(scoped, scopedPolicy{o, acts})
	}
	for _, s := range scoped {
		for _, a := range s.act {
			set := c.byAction[a]
			if set == nil {
				set = &actionSet{forbids: slices.Clone(c.any.forbids), permits: slices.Clone(c.any.permits)}
				c.byAction[a] = set
			}
			set.add(s.o)
		}
	}
	return c, nil
}

func (d *Definition) text() string {
	switch {
	case d.Cedar != nil:
		return d.Cedar.Statement
	case d.Policy != nil:
		return d.Policy.Statement
	}
	return ""
}

// Static action groups: every tool action is in CallTool, which is in Mcp.
var (
	callToolUID = types.NewEntityUID(ActionType, "CallTool")
	mcpUID      = types.NewEntityUID(ActionType, "Mcp")
	callToolEnt = types.Entity{UID: callToolUID, Parents: types.NewEntityUIDSet(mcpUID)}
	mcpEnt      = types.Entity{UID: mcpUID}
	toolParents = types.NewEntityUIDSet(callToolUID)
)

// entities is the request's entity store without a map per call.
type entities struct {
	principal, gateway, action types.Entity
}

func (e *entities) Get(uid types.EntityUID) (types.Entity, bool) {
	switch uid {
	case e.principal.UID:
		return e.principal, true
	case e.action.UID:
		return e.action, true
	case e.gateway.UID:
		return e.gateway, true
	case callToolUID:
		return callToolEnt, true
	case mcpUID:
		return mcpEnt, true
	}
	return types.Entity{}, false
}

// request builds the Cedar request and entities for one call. schema (the
// tool's input schema, may be nil) decides which JSON numbers are decimals.
func request(principal string, claims map[string]any, action, gatewayArn string, input map[string]any, schema *node) (cedar.Request, *entities) {
	ptype := types.EntityType(PrincipalType)
	if strings.HasPrefix(principal, "arn:aws:iam::") || strings.HasPrefix(principal, "arn:aws:sts::") {
		ptype = IAMType
	}
	puid := types.NewEntityUID(ptype, types.String(principal))
	pe := types.Entity{UID: puid, Attributes: types.NewRecord(types.RecordMap{"id": types.String(principal)})}
	if ptype == PrincipalType && len(claims) > 0 {
		tags := make(types.RecordMap, len(claims))
		for k, v := range claims {
			tags[types.String(k)] = types.String(claimString(v))
		}
		pe.Tags = types.NewRecord(tags)
	}
	guid := types.NewEntityUID(GatewayType, types.String(gatewayArn))
	auid := types.NewEntityUID(ActionType, types.String(action))
	ents := &entities{principal: pe, gateway: types.Entity{UID: guid}, action: types.Entity{UID: auid, Parents: toolParents}}
	req := cedar.Request{
		Principal: puid,
		Action:    auid,
		Resource:  guid,
		Context:   types.NewRecord(types.RecordMap{"input": toValue(input, schema, 0)}),
	}
	return req, ents
}

func claimString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, claimString(e))
		}
		return strings.Join(parts, " ")
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// toValue converts decoded JSON into a Cedar value; numbers the schema
// types as "number" become decimals (JSON Schema number → Cedar decimal).
func toValue(v any, sch *node, depth int) types.Value {
	if depth > 16 {
		return types.String("")
	}
	if sch != nil && sch.typ == "number" {
		var f float64
		switch x := v.(type) {
		case json.Number:
			f, _ = x.Float64()
		case float64:
			f = x
		case int:
			f = float64(x)
		default:
			goto plain
		}
		if d, err := types.NewDecimalFromFloat(f); err == nil {
			return d
		}
	}
plain:
	switch x := v.(type) {
	case string:
		return types.String(x)
	case bool:
		return types.Boolean(x)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return types.Long(i)
		}
		f, _ := x.Float64()
		return floatValue(f)
	case float64:
		return floatValue(x)
	case int:
		return types.Long(x)
	case int64:
		return types.Long(x)
	case []any:
		vals := make([]types.Value, 0, len(x))
		for _, e := range x {
			vals = append(vals, toValue(e, sch.item(), depth+1))
		}
		return types.NewSet(vals...)
	case map[string]any:
		m := make(types.RecordMap, len(x))
		for k, e := range x {
			if e == nil {
				continue
			}
			m[types.String(k)] = toValue(e, sch.prop(k), depth+1)
		}
		return types.NewRecord(m)
	}
	return types.String(fmt.Sprint(v))
}

func floatValue(f float64) types.Value {
	if f == math.Trunc(f) && math.Abs(f) < 1<<62 {
		return types.Long(int64(f))
	}
	if d, err := types.NewDecimalFromFloat(f); err == nil {
		return d
	}
	return types.String(fmt.Sprint(f))
}

// decide evaluates a request against the compiled engine. LOG_ONLY policies
// are evaluated for the record but never decide.
func (c *compiled) decide(req cedar.Request, ents types.EntityGetter) (bool, []string, []string) {
	set, ok := c.byAction[string(req.Action.ID)]
	if !ok {
		set = c.any
	}
	var errsOut []string
	collect := func(d cedar.Diagnostic) {
		for _, e := range d.Errors {
			errsOut = append(errsOut, e.String())
		}
	}
	for _, f := range set.forbids {
		_, diag := cedar.Authorize(f, ents, req)
		collect(diag)
		if len(diag.Reasons) > 0 {
			return false, []string{string(f.id)}, errsOut
		}
	}
	for _, p := range set.permits {
		dec, diag := cedar.Authorize(p, ents, req)
		collect(diag)
		if dec == cedar.Allow {
			return true, []string{string(p.id)}, errsOut
		}
	}
	return false, nil, errsOut
}

var errNoPolicy = errors.New("no policy")
