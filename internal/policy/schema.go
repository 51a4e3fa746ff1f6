package policy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cedar-policy/cedar-go/x/exp/schema"
	"github.com/cedar-policy/cedar-go/x/exp/schema/resolved"
)

// Cedar names used by gateway authorization.
const (
	Namespace     = "AgentCore"
	PrincipalType = "AgentCore::OAuthUser"
	IAMType       = "AgentCore::IamEntity"
	GatewayType   = "AgentCore::Gateway"
	ActionType    = "AgentCore::Action"
)

// SchemaText renders the Cedar schema for a set of tools.
func SchemaText(tools []Tool) string {
	var b strings.Builder
	b.WriteString("namespace AgentCore {\n  entity OAuthUser = { id: String } tags String;\n  entity IamEntity = { id: String };\n  entity Gateway;\n")
	b.WriteString("  action \"Mcp\";\n  action \"CallTool\" in [\"Mcp\"];\n")
	sorted := append([]Tool(nil), tools...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for _, t := range sorted {
		fmt.Fprintf(&b, "  action %s in [\"CallTool\"] appliesTo { principal: [OAuthUser, IamEntity], resource: [Gateway], context: { input: %s } };\n",
			strconv.Quote(t.Name), recordType(t.InputSchema, 0))
	}
	b.WriteString("}\n")
	return b.String()
}

// Schema resolves the Cedar schema for a set of tools.
func Schema(tools []Tool) (*resolved.Schema, error) {
	var s schema.Schema
	if err := s.UnmarshalCedar([]byte(SchemaText(tools))); err != nil {
		return nil, err
	}
	return s.Resolve()
}

type jsonSchema struct {
	Type       any                        `json:"type"`
	Properties map[string]json.RawMessage `json:"properties"`
	Required   []string                   `json:"required"`
	Items      json.RawMessage            `json:"items"`
}

func typeOf(s *jsonSchema) string {
	switch t := s.Type.(type) {
	case string:
		return t
	case []any: // ["string","null"]: the first non-null type
		for _, x := range t {
			if v, _ := x.(string); v != "" && v != "null" {
				return v
			}
		}
	}
	if s.Properties != nil {
		return "object"
	}
	return ""
}

// recordType maps an object JSON schema to a Cedar record type; properties
// whose type cannot be expressed are left out (policies cannot use them).
func recordType(raw json.RawMessage, depth int) string {
	var s jsonSchema
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil || depth > 8 {
		return "{}"
	}
	req := map[string]bool{}
	for _, r := range s.Required {
		req[r] = true
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	var parts []string
	for _, n := range names {
		t := cedarType(s.Properties[n], depth+1)
		if t == "" {
			continue
		}
		opt := "?"
		if req[n] {
			opt = ""
		}
		parts = append(parts, strconv.Quote(n)+opt+": "+t)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func cedarType(raw json.RawMessage, depth int) string {
	var s jsonSchema
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	switch typeOf(&s) {
	case "string":
		return "String"
	case "integer":
		return "Long"
	case "number":
		return "__cedar::decimal"
	case "boolean":
		return "Bool"
	case "array":
		if it := cedarType(s.Items, depth+1); it != "" {
			return "Set<" + it + ">"
		}
		return ""
	case "object":
		return recordType(raw, depth)
	}
	return ""
}

// node is the part of a JSON schema value conversion needs.
type node struct {
	typ   string
	props map[string]*node
	items *node
}

func (n *node) prop(k string) *node {
	if n == nil {
		return nil
	}
	return n.props[k]
}

func (n *node) item() *node {
	if n == nil {
		return nil
	}
	return n.items
}

// parseNode reads a JSON schema into a node tree (nil when it has no types).
func parseNode(raw json.RawMessage, depth int) *node {
	var s jsonSchema
	if len(raw) == 0 || depth > 8 || json.Unmarshal(raw, &s) != nil {
		return nil
	}
	n := &node{typ: typeOf(&s)}
	if len(s.Properties) > 0 {
		n.props = make(map[string]*node, len(s.Properties))
		for k, p := range s.Properties {
			n.props[k] = parseNode(p, depth+1)
		}
	}
	if len(s.Items) > 0 {
		n.items = parseNode(s.Items, depth+1)
	}
	return n
}
