// Package smithy turns Smithy JSON AST models into gateway tools (one per
// operation of the model's service, input schema from the operation's input
// structure) and calls them over the service's protocol: restJson1 (the
// operation's @http binding) or awsJson1_0/1_1 (POST / with X-Amz-Target),
// signed with SigV4 when credentials are configured.
package smithy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

const field = "targetConfiguration.mcp.smithyModel"

type shape struct {
	Type       string                     `json:"type"`
	Members    map[string]member          `json:"members"`
	Member     *member                    `json:"member"`
	Key        *member                    `json:"key"`
	Value      *member                    `json:"value"`
	Input      *ref                       `json:"input"`
	Output     *ref                       `json:"output"`
	Operations []ref                      `json:"operations"`
	Resources  []ref                      `json:"resources"`
	Traits     map[string]json.RawMessage `json:"traits"`
	// resource lifecycle operations
	Create, Put, Read, Update, Delete, List *ref
	CollectionOperations                    []ref `json:"collectionOperations"`
}

type ref struct {
	Target string `json:"target"`
}

type member struct {
	Target string                     `json:"target"`
	Traits map[string]json.RawMessage `json:"traits"`
}

type model struct {
	Smithy string           `json:"smithy"`
	Shapes map[string]shape `json:"shapes"`
}

// binding is what a call needs about its operation.
type binding struct {
	Protocol    string            `json:"protocol"` // restJson1, awsJson1_0, awsJson1_1
	Service     string            `json:"service"`  // shape name (X-Amz-Target prefix)
	Prefix      string            `json:"endpointPrefix,omitempty"`
	SigningName string            `json:"signingName,omitempty"`
	Operation   string            `json:"operation"`
	Method      string            `json:"method,omitempty"`
	URI         string            `json:"uri,omitempty"`
	Location    map[string]string `json:"location,omitempty"` // member → label|query:<name>|header:<name>|payload
}

func parseModel(doc []byte) (*model, string, error) {
	var m model
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, "", errs.Field(field, "the Smithy model is not valid JSON AST: %v", err)
	}
	if m.Smithy == "" {
		return nil, "", errs.Field(field, `the Smithy model has no "smithy" version member (a JSON AST model is required)`)
	}
	var services []string
	for id, s := range m.Shapes {
		if s.Type == "service" {
			services = append(services, id)
		}
	}
	switch len(services) {
	case 0:
		return nil, "", errs.Field(field, "the Smithy model defines no service shape")
	case 1:
	default:
		sort.Strings(services)
		return nil, "", errs.Field(field, "the Smithy model defines %d services (%s); it must define exactly one", len(services), strings.Join(services, ", "))
	}
	return &m, services[0], nil
}

func shortName(id string) string {
	if i := strings.LastIndexByte(id, '#'); i >= 0 {
		return id[i+1:]
	}
	return id
}

// operations returns the service's operations (direct and via resources).
func (m *model) operations(svc string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	var walk func(id string, depth int) error
	add := func(r *ref) error {
		if r == nil {
			return nil
		}
		s, ok := m.Shapes[r.Target]
		if !ok {
			return errs.Field(field, "operation %s is referenced but not defined in the model", r.Target)
		}
		if s.Type != "operation" {
			return errs.Field(field, "%s is a %s, not an operation", r.Target, s.Type)
		}
		if !seen[r.Target] {
			seen[r.Target] = true
			out = append(out, r.Target)
		}
		return nil
	}
	walk = func(id string, depth int) error {
		s, ok := m.Shapes[id]
		if !ok {
			return errs.Field(field, "resource %s is referenced but not defined in the model", id)
		}
		if depth > 16 {
			return errs.Field(field, "resources nest too deeply at %s", id)
		}
		for _, r := range []*ref{s.Create, s.Put, s.Read, s.Update, s.Delete, s.List} {
			if err := add(r); err != nil {
				return err
			}
		}
		for _, list := range [][]ref{s.Operations, s.CollectionOperations} {
			for i := range list {
				if err := add(&list[i]); err != nil {
					return err
				}
			}
		}
		for _, r := range s.Resources {
			if err := walk(r.Target, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(svc, 0); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

func traitString(traits map[string]json.RawMessage, name string) string {
	var s string
	if raw, ok := traits[name]; ok {
		json.Unmarshal(raw, &s) //nolint:errcheck // absent or not a string
	}
	return s
}

// schema renders a shape as JSON Schema.
func (m *model) schema(target string, depth int) (map[string]any, error) {
	if depth > 16 {
		return map[string]any{}, nil
	}
	if strings.HasPrefix(target, "smithy.api#") {
		return prelude(shortName(target))
	}
	s, ok := m.Shapes[target]
	if !ok {
		return nil, errs.Field(field, "shape %s is referenced but not defined in the model", target)
	}
	out := map[string]any{}
	if d := traitString(s.Traits, "smithy.api#documentation"); d != "" {
		out["description"] = d
	}
	switch s.Type {
	case "structure", "union":
		props := map[string]any{}
		var req []string
		names := make([]string, 0, len(s.Members))
		for n := range s.Members {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			mb := s.Members[n]
			ps, err := m.schema(mb.Target, depth+1)
			if err != nil {
				return nil, err
			}
			if d := traitString(mb.Traits, "smithy.api#documentation"); d != "" {
				ps["description"] = d
			}
			props[n] = ps
			if _, ok := mb.Traits["smithy.api#required"]; ok && s.Type == "structure" {
				req = append(req, n)
			}
		}
		out["type"] = "object"
		out["properties"] = props
		if len(req) > 0 {
			out["required"] = req
		}
		if s.Type == "union" {
			out["minProperties"], out["maxProperties"] = 1, 1
		}
	case "list", "set":
		if s.Member == nil {
			return nil, errs.Field(field, "list %s has no member", target)
		}
		it, err := m.schema(s.Member.Target, depth+1)
		if err != nil {
			return nil, err
		}
		out["type"], out["items"] = "array", it
	case "map":
		if s.Value == nil {
			return nil, errs.Field(field, "map %s has no value", target)
		}
		v, err := m.schema(s.Value.Target, depth+1)
		if err != nil {
			return nil, err
		}
		out["type"], out["additionalProperties"] = "object", v
	case "enum":
		var vals []any
		for n, mb := range s.Members {
			v := n
			if raw, ok := mb.Traits["smithy.api#enumValue"]; ok {
				json.Unmarshal(raw, &v) //nolint:errcheck // keep the member name
			}
			vals = append(vals, v)
		}
		out["type"], out["enum"] = "string", vals
	case "intEnum":
		out["type"] = "integer"
	default:
		p, err := prelude(s.Type)
		if err != nil {
			return nil, errs.Field(field, "shape %s has unsupported type %s", target, s.Type)
		}
		for k, v := range p {
			out[k] = v
		}
	}
	return out, nil
}

func prelude(t string) (map[string]any, error) {
	switch strings.ToLower(t) {
	case "string", "timestamp", "blob":
		return map[string]any{"type": "string"}, nil
	case "integer", "long", "short", "byte", "biginteger", "primitiveinteger", "primitivelong", "primitiveshort", "primitivebyte":
		return map[string]any{"type": "integer"}, nil
	case "float", "double", "bigdecimal", "primitivefloat", "primitivedouble":
		return map[string]any{"type": "number"}, nil
	case "boolean", "primitiveboolean":
		return map[string]any{"type": "boolean"}, nil
	case "document", "unit":
		return map[string]any{}, nil
	}
	return nil, fmt.Errorf("unknown prelude shape %s", t)
}
