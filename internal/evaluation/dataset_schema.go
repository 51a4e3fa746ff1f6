package evaluation

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Example documents, checked against the dataset's schemaType before any
// write (all or nothing). The fields are those the bedrock-agentcore SDK's
// dataset runner reads (runner/dataset_providers.py, dataset_types.py):
//
// AGENTCORE_EVALUATION_PREDEFINED_V1:
//
//	{"scenario_id": "TC-01",                       required, 1-256 chars
//	 "turns": [{"input": "text" | {...},            required, 1-100 turns
//	            "expected_response": "text"}],      optional
//	 "expected_trajectory": ["tool", ...],          optional
//	 "assertions": ["text", ...],                   optional
//	 "metadata": {...}}                             optional
//
// AGENTCORE_EVALUATION_SIMULATED_V1:
//
//	{"scenario_id", "actor_profile": {"context", "goal", "traits": {...}},
//	 "input": "text" | {...}, "max_turns": 1-100, "scenario_description",
//	 "assertions", "metadata"}
//
// THIRD_PARTY_EVALUATION_V1: any JSON object.
//
// "exampleId" is the server's: added to every stored example, required by
// UpdateDatasetExamples, ignored (replaced) by add.

const exampleIDField = "exampleId"

var schemaFields = map[string]map[string]bool{
	SchemaPredefinedV1: {"scenario_id": true, "turns": true, "expected_trajectory": true, "assertions": true, "metadata": true},
	SchemaSimulatedV1: {"scenario_id": true, "actor_profile": true, "input": true, "max_turns": true,
		"scenario_description": true, "assertions": true, "metadata": true},
}

// validSchemaType reports whether t is a DatasetSchemaType.
func validSchemaType(t string) bool {
	return t == SchemaPredefinedV1 || t == SchemaSimulatedV1 || t == SchemaThirdPartyV1
}

// checkExample validates one example (index i of the request) against the
// schema type.
func checkExample(schema string, i int, ex map[string]any) error {
	bad := func(format string, a ...any) error {
		return errs.Field(fmt.Sprintf("examples[%d]", i), "examples[%d]: %s", i, fmt.Sprintf(format, a...))
	}
	if ex == nil {
		return bad("an example must be a JSON object")
	}
	if schema == SchemaThirdPartyV1 {
		return nil
	}
	allowed := schemaFields[schema]
	var unknown []string
	for k := range ex {
		if !allowed[k] && k != exampleIDField {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return bad("unknown field(s) %s for schema %s", strings.Join(unknown, ", "), schema)
	}
	id, ok := ex["scenario_id"].(string)
	if !ok || id == "" || len(id) > 256 {
		return bad("scenario_id is required: a string of 1-256 characters")
	}
	if err := stringList(ex, "assertions", 100, 10000); err != "" {
		return bad("%s", err)
	}
	if m, ok := ex["metadata"]; ok && m != nil {
		if _, ok := m.(map[string]any); !ok {
			return bad("metadata must be a JSON object")
		}
	}
	if schema == SchemaSimulatedV1 {
		return checkSimulated(ex, bad)
	}
	turns, ok := ex["turns"].([]any)
	if !ok || len(turns) == 0 || len(turns) > 100 {
		return bad("turns is required: a list of 1-100 turns")
	}
	for j, t := range turns {
		tm, ok := t.(map[string]any)
		if !ok {
			return bad("turns[%d] must be an object with input and optional expected_response", j)
		}
		for k := range tm {
			if k != "input" && k != "expected_response" {
				return bad("turns[%d]: unknown field %s (want input, expected_response)", j, k)
			}
		}
		if !textOrObject(tm["input"]) {
			return bad("turns[%d].input is required: a non-empty string or an object", j)
		}
		if er, ok := tm["expected_response"]; ok && er != nil {
			if _, ok := er.(string); !ok {
				return bad("turns[%d].expected_response must be a string", j)
			}
		}
	}
	if err := stringList(ex, "expected_trajectory", 100, 256); err != "" {
		return bad("%s", err)
	}
	return nil
}

func checkSimulated(ex map[string]any, bad func(string, ...any) error) error {
	ap, ok := ex["actor_profile"].(map[string]any)
	if !ok {
		return bad("actor_profile is required: an object with context and goal")
	}
	for _, k := range []string{"context", "goal"} {
		if s, ok := ap[k].(string); !ok || s == "" {
			return bad("actor_profile.%s is required: a non-empty string", k)
		}
	}
	if tr, ok := ap["traits"]; ok && tr != nil {
		if _, ok := tr.(map[string]any); !ok {
			return bad("actor_profile.traits must be an object")
		}
	}
	if !textOrObject(ex["input"]) {
		return bad("input is required: a non-empty string or an object")
	}
	if mt, ok := ex["max_turns"]; ok {
		n, ok := mt.(float64)
		if !ok || n != float64(int(n)) || n < 1 || n > 100 {
			return bad("max_turns must be an integer from 1 to 100")
		}
	}
	if d, ok := ex["scenario_description"]; ok {
		if _, ok := d.(string); !ok {
			return bad("scenario_description must be a string")
		}
	}
	return nil
}

func textOrObject(v any) bool {
	switch x := v.(type) {
	case string:
		return x != ""
	case map[string]any:
		return true
	}
	return false
}

// stringList checks an optional list of strings; "" when fine.
func stringList(ex map[string]any, key string, maxItems, maxLen int) string {
	v, ok := ex[key]
	if !ok || v == nil {
		return ""
	}
	l, ok := v.([]any)
	if !ok || len(l) > maxItems {
		return fmt.Sprintf("%s must be a list of at most %d strings", key, maxItems)
	}
	for _, e := range l {
		if s, ok := e.(string); !ok || s == "" || len(s) > maxLen {
			return fmt.Sprintf("%s must hold non-empty strings of at most %d characters", key, maxLen)
		}
	}
	return ""
}

// checkExamples validates a request's examples: count, sizes, schema.
// withIDs: every example must carry its exampleId (update).
func (d *Datasets) checkExamples(schema string, examples []map[string]any, withIDs bool) error {
	if len(examples) == 0 {
		return errs.Field("examples", "at least one example is required")
	}
	if len(examples) > d.o.MaxExamplesPerCall {
		return errs.Field("examples", "%d examples in one request; at most %d are allowed", len(examples), d.o.MaxExamplesPerCall)
	}
	total := 0
	seen := map[string]bool{}
	for i, ex := range examples {
		b, _ := json.Marshal(ex)
		if len(b) > d.o.MaxExampleBytes {
			return errs.Field(fmt.Sprintf("examples[%d]", i), "examples[%d] is %d bytes of JSON; at most %d are allowed", i, len(b), d.o.MaxExampleBytes)
		}
		if total += len(b); total > d.o.MaxRequestBytes {
			return errs.Field("examples", "the examples exceed %d bytes of JSON in one request", d.o.MaxRequestBytes)
		}
		if err := checkExample(schema, i, ex); err != nil {
			return err
		}
		if withIDs {
			id, _ := ex[exampleIDField].(string)
			if !exampleIDRE.MatchString(id) {
				return errs.Field(fmt.Sprintf("examples[%d].exampleId", i), "examples[%d]: exampleId is required (as returned by AddDatasetExamples / ListDatasetExamples)", i)
			}
			if seen[id] {
				return errs.Field("examples", "exampleId %s appears twice", id)
			}
			seen[id] = true
		}
	}
	return nil
}
