package spans

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// str returns v as a string: strings as they are, numbers and booleans
// formatted, anything else "".
func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// num returns v as an int64 (JSON numbers, Go integers, numeric strings).
func num(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, true
		}
		f, err := x.Float64()
		return int64(f), err == nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return int64(x), true
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case uint64:
		return int64(x), true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// nanos reads a *UnixNano field as a time; the zero time when absent.
func nanos(v any) time.Time {
	n, ok := num(v)
	if !ok || n <= 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// asMap returns v as a JSON object, or nil.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// asList returns v as a JSON array, or nil.
func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// decoded parses s as a JSON array or object when it looks like one;
// otherwise (or when it does not parse) it returns nil.
func decoded(s string) any {
	t := strings.TrimSpace(s)
	if len(t) < 2 || (t[0] != '[' && t[0] != '{') {
		return nil
	}
	var v any
	if json.Unmarshal([]byte(t), &v) != nil {
		return nil
	}
	return v
}

// raw renders a recorded value as text: strings unchanged, structures as JSON.
func raw(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	if s := str(v); s != "" {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// stringList reads a list of names recorded as a JSON array, a JSON array
// in a string, or a comma separated string.
func stringList(v any) []string {
	if s, ok := v.(string); ok {
		if d := decoded(s); d != nil {
			v = d
		} else {
			var out []string
			for _, p := range strings.Split(s, ",") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
			return out
		}
	}
	var out []string
	for _, e := range asList(v) {
		switch x := e.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			name := str(x["name"])
			if name == "" {
				name = str(asMap(x["function"])["name"])
			}
			if name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}
