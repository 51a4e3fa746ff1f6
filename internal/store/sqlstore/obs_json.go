package sqlstore

import (
	"encoding/json"
	"github.com/agentcore-dev/agentcore/internal/jsonstr"
	"math"
	"reflect"
	"slices"
	"strconv"
)

// jsonText encodes v as JSON text ("" for empty). Span and log attributes
// (maps of strings, numbers, booleans and lists of them) take a fast path
// without reflection: storing spans is on the platform's busiest background
// path. Anything else goes through encoding/json.
func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case map[string]any:
		if len(x) == 0 {
			return ""
		}
		if b, ok := appendJSON(make([]byte, 0, 64*len(x)), x); ok {
			return string(b)
		}
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return ""
	}
	return string(b)
}

// appendJSON appends v; ok is false for a value the fast path does not know.
func appendJSON(b []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return jsonstr.Append(b, x), true
	case bool:
		return strconv.AppendBool(b, x), true
	case int64:
		return strconv.AppendInt(b, x, 10), true
	case int:
		return strconv.AppendInt(b, int64(x), 10), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, "null"...), true
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64), true
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendJSON(b, e); !ok {
				return b, false
			}
		}
		return append(b, ']'), true
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonstr.Append(b, k)
			b = append(b, ':')
			var ok bool
			if b, ok = appendJSON(b, x[k]); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	}
	return b, false
}

// resourceText memoises the encoding of one resource map: every span of a
// batch from one exporter shares it.
type resourceText struct {
	ptr  uintptr
	text string
}

func (r *resourceText) get(m map[string]any) string {
	if len(m) == 0 {
		return ""
	}
	p := reflect.ValueOf(m).Pointer()
	if p != r.ptr || r.text == "" {
		r.ptr, r.text = p, jsonText(m)
	}
	return r.text
}
