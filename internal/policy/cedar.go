package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

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

// compiled is an engine's active policies indexed by action.
type compiled struct {
	byAction map[string]cedar.PolicyMap
	any      cedar.PolicyMap // policies whose action scope is open
	logOnly  map[cedar.PolicyID]bool
}

func compile(ps []*Policy) (*compiled, error) {
	c := &compiled{byAction: map[string]cedar.PolicyMap{}, any: cedar.PolicyMap{}, logOnly: map[cedar.PolicyID]bool{}}
	var scoped []struct {
		id  cedar.PolicyID
		p   *cedar.Policy
		act []string
	}
	for _, p := range ps {
		cp, err := parse(p.Definition.text())
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", p.ID, err)
		}
		id := cedar.PolicyID(p.ID)
		if p.EnforcementMode == EnforceLogOnly {
			c.logOnly[id] = true
		}
		acts := actions(cp)
		if acts == nil {
			c.any[id] = cp
			continue
		}
		scoped = append(scoped, struct {
			id  cedar.PolicyID
			p   *cedar.Policy
			act []string
		}{id, cp, acts})
	}
	for _, s := range scoped {
		for _, a := range s.act {
			m := c.byAction[a]
			if m == nil {
				m = cedar.PolicyMap{}
				for id, p := range c.any {
					m[id] = p
				}
				c.byAction[a] = m
			}
			m[s.id] = s.p
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

// request builds the Cedar request and entities for one call.
func request(principal string, claims map[string]any, action, gatewayArn string, input map[string]any) (cedar.Request, cedar.EntityMap) {
	ptype := types.EntityType(PrincipalType)
	if strings.HasPrefix(principal, "arn:aws:iam::") || strings.HasPrefix(principal, "arn:aws:sts::") {
		ptype = IAMType
	}
	puid := types.NewEntityUID(ptype, types.String(principal))
	tags := types.RecordMap{}
	for k, v := range claims {
		tags[types.String(k)] = types.String(claimString(v))
	}
	guid := types.NewEntityUID(GatewayType, types.String(gatewayArn))
	ents := cedar.EntityMap{
		puid: {UID: puid, Tags: types.NewRecord(tags)},
		guid: {UID: guid},
	}
	req := cedar.Request{
		Principal: puid,
		Action:    types.NewEntityUID(ActionType, types.String(action)),
		Resource:  guid,
		Context:   types.NewRecord(types.RecordMap{"input": toValue(input, 0)}),
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

// toValue converts decoded JSON into a Cedar value.
func toValue(v any, depth int) types.Value {
	if depth > 16 {
		return types.String("")
	}
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
			vals = append(vals, toValue(e, depth+1))
		}
		return types.NewSet(vals...)
	case map[string]any:
		m := make(types.RecordMap, len(x))
		for k, e := range x {
			if e == nil {
				continue
			}
			m[types.String(k)] = toValue(e, depth+1)
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
func (c *compiled) decide(req cedar.Request, ents cedar.EntityMap) (bool, []string, []string) {
	set, ok := c.byAction[string(req.Action.ID)]
	if !ok {
		set = c.any
	}
	if len(c.logOnly) > 0 {
		active := cedar.PolicyMap{}
		for id, p := range set {
			if !c.logOnly[id] {
				active[id] = p
			}
		}
		set = active
	}
	dec, diag := cedar.Authorize(set, ents, req)
	var ids, errsOut []string
	for _, r := range diag.Reasons {
		ids = append(ids, string(r.PolicyID))
	}
	for _, e := range diag.Errors {
		errsOut = append(errsOut, e.String())
	}
	sort.Strings(ids)
	return dec == cedar.Allow, ids, errsOut
}

var errNoPolicy = errors.New("no policy")
