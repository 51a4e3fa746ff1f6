package policy

import (
	"encoding/json"
	"fmt"
	"testing"
)

const gw = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/shop-0123456789"

func pol(id, stmt string) *Policy {
	return &Policy{ID: id, Definition: Definition{Cedar: &Statement{Statement: stmt}}, EnforcementMode: EnforceActive}
}

func TestCompiledDecisions(t *testing.T) {
	c, err := compile([]*Policy{
		pol("refund", `permit(principal, action == AgentCore::Action::"pets___refund", resource == AgentCore::Gateway::"`+gw+`") when { context.input.amount < 500 };`),
		pol("admins", `permit(principal, action in [AgentCore::Action::"pets___addPet", AgentCore::Action::"pets___deletePet"], resource) when { principal.hasTag("role") && principal.getTag("role") == "admin" };`),
		pol("blocked", `forbid(principal, action, resource) when { principal.hasTag("dept") && principal.getTag("dept") == "blocked" };`),
		{ID: "logonly", Definition: Definition{Cedar: &Statement{Statement: `permit(principal, action == AgentCore::Action::"pets___slow", resource);`}}, EnforcementMode: EnforceLogOnly},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		action string
		claims map[string]any
		input  map[string]any
		want   bool
	}{
		{"pets___refund", nil, map[string]any{"amount": json.Number("100")}, true},
		{"pets___refund", nil, map[string]any{"amount": json.Number("900")}, false},
		{"pets___refund", nil, map[string]any{"amount": 499.0}, true},
		{"pets___refund", nil, map[string]any{"amount": "100"}, false}, // wrong type: evaluation error, no permit
		{"pets___addPet", map[string]any{"role": "admin"}, nil, true},
		{"pets___deletePet", map[string]any{"role": "viewer"}, nil, false},
		{"pets___addPet", map[string]any{"role": "admin", "dept": "blocked"}, nil, false},
		{"pets___slow", nil, nil, false}, // LOG_ONLY policies never permit
		{"pets___other", nil, nil, false},
	} {
		req, ents := request("user-1", tc.claims, tc.action, gw, tc.input, nil)
		got, _, _ := c.decide(req, ents)
		if got != tc.want {
			t.Errorf("%s %v %v: got %v", tc.action, tc.claims, tc.input, got)
		}
	}
}

func TestSchemaValidation(t *testing.T) {
	rs, err := Schema([]Tool{{Name: "pets___refund", InputSchema: json.RawMessage(`{"type":"object","properties":{"amount":{"type":"integer"},"note":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}},"meta":{"type":"object","properties":{"x":{"type":"boolean"}}}},"required":["amount"]}`)}})
	if err != nil {
		t.Fatal(err)
	}
	for stmt, ok := range map[string]bool{
		`permit(principal, action == AgentCore::Action::"pets___refund", resource) when { context.input.amount < 500 };`:                                 true,
		`permit(principal, action == AgentCore::Action::"pets___refund", resource) when { context.input has note && context.input.note == "x" };`:        true,
		`permit(principal, action == AgentCore::Action::"pets___refund", resource) when { context.input has tags && context.input.tags.contains("a") };`: true,
		`permit(principal, action == AgentCore::Action::"pets___refund", resource) when { context.input.note == "x" };`:                                  false, // optional without has
		`permit(principal, action == AgentCore::Action::"pets___nope", resource);`:                                                                       false,
		`permit(principal, action == AgentCore::Action::"pets___refund", resource) when { context.input.amount == "x" };`:                                false,
		`permit(principal is AgentCore::Nobody, action, resource);`:                                                                                      false,
	} {
		p, err := parse(stmt)
		if err != nil {
			t.Fatal(err)
		}
		if err := validatePolicy(rs, p); (err == nil) != ok {
			t.Errorf("%s: %v", stmt, err)
		}
	}
}

// BenchmarkAuthorize measures one authorization with n policies spread over
// 100 tools (indexed by action: only the called tool's policies and the
// action-open ones are evaluated).
func BenchmarkAuthorize(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("policies=%d", n), func(b *testing.B) {
			var ps []*Policy
			for i := range n {
				ps = append(ps, pol(fmt.Sprintf("p%d", i), fmt.Sprintf(
					`permit(principal, action == AgentCore::Action::"t___tool%d", resource == AgentCore::Gateway::"%s") when { context.input.amount < %d };`, i%100, gw, 100+i)))
			}
			ps = append(ps, pol("forbid", `forbid(principal, action, resource) when { principal.hasTag("dept") && principal.getTag("dept") == "blocked" };`))
			c, err := compile(ps)
			if err != nil {
				b.Fatal(err)
			}
			claims := map[string]any{"sub": "user-1", "role": "viewer", "dept": "sales", "scope": "read write"}
			for _, tc := range []struct {
				name   string
				amount string
				allow  bool
			}{{"allow", "50", true}, {"deny-all-evaluated", "5000", false}} {
				input := map[string]any{"amount": json.Number(tc.amount), "orderId": "o-1"}
				b.Run(tc.name, func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						req, ents := request("user-1", claims, "t___tool7", gw, input, nil)
						if ok, _, _ := c.decide(req, ents); ok != tc.allow {
							b.Fatal("wrong decision")
						}
					}
				})
			}
		})
	}
}

// TestAWSSchemaShapes: the shapes AgentCore's generated schema has —
// principal.id, tool actions in CallTool (in Mcp), JSON Schema numbers as
// decimals — validate and evaluate.
func TestAWSSchemaShapes(t *testing.T) {
	schema := json.RawMessage(`{"type":"object","properties":{"amount":{"type":"number"},"count":{"type":"integer"}},"required":["amount","count"]}`)
	rs, err := Schema([]Tool{{Name: "RefundTool___process_refund", InputSchema: schema}})
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{
		`permit(principal is AgentCore::OAuthUser, action in AgentCore::Action::"CallTool", resource is AgentCore::Gateway) when { principal.id == "john" };`,
		`permit(principal, action == AgentCore::Action::"RefundTool___process_refund", resource) when { context.input.amount.lessThan(decimal("500.00")) && context.input.count < 3 };`,
		`forbid(principal, action in AgentCore::Action::"Mcp", resource) when { principal.hasTag("dept") && principal.getTag("dept") == "blocked" };`,
	}
	var ps []*Policy
	for i, st := range stmts {
		p, err := parse(st)
		if err != nil {
			t.Fatal(err)
		}
		if err := validatePolicy(rs, p); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
		ps = append(ps, pol(fmt.Sprint("p", i), st))
	}
	c, err := compile(ps)
	if err != nil {
		t.Fatal(err)
	}
	n := parseNode(schema, 0)
	for _, tc := range []struct {
		who    string
		claims map[string]any
		input  map[string]any
		want   bool
	}{
		{"john", nil, map[string]any{"amount": json.Number("900"), "count": json.Number("9")}, true},   // by id, any tool
		{"mary", nil, map[string]any{"amount": json.Number("499.5"), "count": json.Number("1")}, true}, // decimal comparison
		{"mary", nil, map[string]any{"amount": json.Number("500"), "count": json.Number("1")}, false},
		{"john", map[string]any{"dept": "blocked"}, map[string]any{"amount": json.Number("1"), "count": json.Number("1")}, false},
	} {
		req, ents := request(tc.who, tc.claims, "RefundTool___process_refund", gw, tc.input, n)
		if got, _, errs := c.decide(req, ents); got != tc.want {
			t.Errorf("%s %v %v: got %v (%v)", tc.who, tc.claims, tc.input, got, errs)
		}
	}
}
