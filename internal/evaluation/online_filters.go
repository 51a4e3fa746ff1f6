package evaluation

import (
	"fmt"
	"strconv"
	"strings"
)

// MatchFilters reports whether a session's documents pass every filter.
// A filter looks at the span (and resource) attributes of all documents:
// Equals, Contains and the comparisons hold when some span's attribute
// matches; NotEquals and NotContains hold when no span's attribute is
// equal / contains the value (an attribute no span has passes them).
func MatchFilters(fs []Filter, docs []map[string]any) bool {
	for _, f := range fs {
		neg := f.Operator == "NotEquals" || f.Operator == "NotContains"
		pos := strings.TrimPrefix(f.Operator, "Not")
		hit := false
		for _, d := range docs {
			for _, v := range attrValues(d, f.Key) {
				if matchOne(pos, v, f.Value) {
					hit = true
					break
				}
			}
			if hit {
				break
			}
		}
		if hit == neg {
			return false
		}
	}
	return true
}

// attrValues are the values of key in a document's attributes and its
// resource's attributes.
func attrValues(d map[string]any, key string) []any {
	var out []any
	if a, ok := d["attributes"].(map[string]any); ok {
		if v, ok := a[key]; ok {
			out = append(out, v)
		}
	}
	if r, ok := d["resource"].(map[string]any); ok {
		if a, ok := r["attributes"].(map[string]any); ok {
			if v, ok := a[key]; ok {
				out = append(out, v)
			}
		}
	}
	return out
}

func matchOne(op string, v any, want FilterValue) bool {
	switch {
	case want.Bool != nil:
		b, ok := v.(bool)
		if !ok {
			b2, err := strconv.ParseBool(fmt.Sprint(v))
			b, ok = b2, err == nil
		}
		return ok && op == "Equals" && b == *want.Bool
	case want.Double != nil:
		x, ok := number(v)
		if !ok {
			return false
		}
		w := *want.Double
		switch op {
		case "Equals":
			return x == w
		case "GreaterThan":
			return x > w
		case "LessThan":
			return x < w
		case "GreaterThanOrEqual":
			return x >= w
		case "LessThanOrEqual":
			return x <= w
		}
		return false
	case want.String != nil:
		s := fmt.Sprint(v)
		switch op {
		case "Equals":
			return s == *want.String
		case "Contains":
			return strings.Contains(s, *want.String)
		}
	}
	return false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}
