package sqlstore

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// TestJSONTextMatchesEncodingJSON checks the fast attribute encoder against
// encoding/json: both must decode to the same value.
func TestJSONTextMatchesEncodingJSON(t *testing.T) {
	cases := []map[string]any{
		{"a": "plain", "b": int64(-42), "c": 3.25, "d": true, "e": nil},
		{"quote\"key": "line\nbreak\ttab\r\x01\x1f \\ back", "uni": "héllo ✓ 𝄞", "bad": "x\xffy"},
		{"list": []any{"a", int64(1), 2.5, false, []any{"nested"}}, "map": map[string]any{"z": "1", "a": int64(2)}},
		{"big": float64(1e21), "small": 1e-7, "int": 7},
	}
	for i, c := range cases {
		got := jsonText(c)
		var a, b any
		if err := json.Unmarshal([]byte(got), &a); err != nil {
			t.Fatalf("case %d: invalid JSON %q: %v", i, got, err)
		}
		want, _ := json.Marshal(c)
		json.Unmarshal(want, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
	if got := jsonText(map[string]any{"nan": math.NaN()}); got != `{"nan":null}` {
		t.Errorf("NaN: %s", got)
	}
	if jsonText(map[string]any{}) != "" || jsonText(nil) != "" {
		t.Error("empty values must encode as empty text")
	}
	type other struct{ X int }
	if got := jsonText(map[string]any{"o": other{1}}); got != `{"o":{"X":1}}` {
		t.Errorf("fallback: %s", got)
	}
}

func BenchmarkJSONText(b *testing.B) {
	m := map[string]any{}
	for i, k := range []string{"rpc.system", "rpc.service", "rpc.method", "aws.request_id", "http.request.method",
		"gen_ai.operation.name", "gen_ai.agent.id", "session.id", "aws.agentcore.runtime.arn", "http.response.status_code"} {
		if i%3 == 0 {
			m[k] = int64(i * 1000)
		} else {
			m[k] = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/agent-" + k
		}
	}
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			jsonText(m)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(m)
		}
	})
}
