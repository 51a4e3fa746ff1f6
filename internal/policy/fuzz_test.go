package policy

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// FuzzCedar runs what CreatePolicy and a gateway tool call do with Cedar on
// arbitrary input: the policy statement is parsed (an error is a
// ValidationException), its scope read, the Cedar schema built from a tool
// with an arbitrary name and JSON input schema and the policy validated
// against it, then the policy compiled and a request decided for an
// arbitrary principal, JWT claims and tool-input JSON. Nothing panics;
// errors of parse and validation are errs.Invalid.
func FuzzCedar(f *testing.F) {
	schema := `{"type":"object","properties":{"amount":{"type":"integer"},"price":{"type":"number"},"note":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},"meta":{"type":"object","properties":{"x":{"type":"boolean"}}}},"required":["amount"]}`
	for _, c := range []struct{ stmt, tool, schema, input, claims, principal string }{
		{`permit(principal, action == AgentCore::Action::"pets___refund", resource == AgentCore::Gateway::"` + gw + `") when { context.input.amount < 500 };`,
			"pets___refund", schema, `{"amount":100,"price":1.25}`, `{"sub":"u"}`, "user-1"},
		{`permit(principal, action in [AgentCore::Action::"pets___addPet"], resource) when { principal.hasTag("role") && principal.getTag("role") == "admin" };`,
			"pets___addPet", `{"type":"object"}`, `{}`, `{"role":"admin","groups":["a","b"],"n":5}`, "user-2"},
		{`forbid(principal is AgentCore::IamEntity, action, resource) when { context.input has tags && context.input.tags.contains("x") };`,
			"pets___refund", schema, `{"amount":1e308,"price":-1e-300,"tags":["x",1,null,{"a":[[[]]]}]}`, `null`, "arn:aws:iam::123456789012:role/r"},
		{`permit(principal, action, resource) when { context.input.price > decimal("1.5") };`, "t", schema, `{"price":12345678901234567890}`, `{}`, ""},
		{`permit(principal, action, resource) when { context.input.meta.x };`, "t\"; entity X;", `{"properties":{"a b\"}":{"type":"string"}}}`, `[1]`, `[]`, "p"},
		{"", "", "", "", "", ""},
	} {
		f.Add(c.stmt, c.tool, []byte(c.schema), []byte(c.input), []byte(c.claims), c.principal)
	}
	f.Fuzz(func(t *testing.T, stmt, tool string, inputSchema, input, claimsJSON []byte, principal string) {
		p, err := parse(stmt)
		if err != nil {
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("parse error of kind %v: %v", errs.KindOf(err), err)
			}
			return
		}
		scopeGateways(p)
		actions(p)
		tools := []Tool{{Name: tool, InputSchema: json.RawMessage(inputSchema)}}
		if rs, err := Schema(tools); err == nil {
			if err := validatePolicy(rs, p); err != nil && errs.KindOf(err) != errs.Invalid {
				t.Fatalf("validation error of kind %v: %v", errs.KindOf(err), err)
			}
		}
		c, err := compile([]*Policy{{ID: "p1", Definition: Definition{Cedar: &Statement{Statement: stmt}}, EnforcementMode: EnforceActive}})
		if err != nil {
			t.Fatalf("a statement that parses does not compile: %v", err)
		}
		var in map[string]any
		dec := json.NewDecoder(bytes.NewReader(input))
		dec.UseNumber()
		_ = dec.Decode(&in)
		var claims map[string]any
		_ = json.Unmarshal(claimsJSON, &claims)
		action := tool
		if acts := actions(p); len(acts) > 0 {
			action = acts[0]
		}
		req, ents := request(principal, claims, action, gw, in, parseNode(json.RawMessage(inputSchema), 0))
		c.decide(req, ents)
	})
}
