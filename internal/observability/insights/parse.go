// Package insights runs the subset of the CloudWatch Logs Insights query
// language the Bedrock AgentCore SDK uses over the platform's span and log
// store: `fields`, `filter` (=, !=, like, ispresent(...), and, not),
// `sort @timestamp asc|desc` and `limit`, with field paths into the JSON
// documents (attributes.session.id, scope.name, traceId). It has no HTTP:
// internal/httpapi/cloudwatchlogs.go speaks the AWS JSON 1.1 protocol.
package insights

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MalformedError is a query the subset cannot run (MalformedQueryException).
type MalformedError struct{ Msg string }

func (e *MalformedError) Error() string { return e.Msg }

func malformed(format string, args ...any) error {
	return &MalformedError{Msg: fmt.Sprintf(format, args...)}
}

// Query is a parsed query.
type Query struct {
	Fields []string // empty: @timestamp, @message
	Conds  []Cond   // all must hold
	Desc   bool     // sort @timestamp desc (the default)
	Limit  int      // 0: MaxRows
}

// Cond is one condition of a filter.
type Cond struct {
	Field string
	Op    string // "=", "!=", "like", "ispresent"
	Not   bool
	Value string
	Num   *float64       // Value as a number, when it was a numeric literal
	Re    *regexp.Regexp // like /regex/
}

// MaxRows is the most rows a query returns (as in CloudWatch).
const MaxRows = 10000

// Parse parses a query string.
func Parse(q string) (*Query, error) {
	if strings.TrimSpace(q) == "" {
		return nil, malformed("the query string is empty")
	}
	out := &Query{Desc: true}
	for _, cmd := range splitPipes(q) {
		cmd = strings.TrimSpace(cmd)
		if cmd == "" {
			return nil, malformed("empty command between '|'")
		}
		var kw, rest string
		if i := strings.IndexAny(cmd, " \t\n\r"); i > 0 {
			kw, rest = cmd[:i], cmd[i+1:]
		} else {
			kw, rest = cmd, ""
		}
		rest = strings.TrimSpace(rest)
		switch strings.ToLower(kw) {
		case "fields", "display":
			for _, f := range strings.Split(rest, ",") {
				f = strings.TrimSpace(f)
				if !fieldRE.MatchString(f) {
					return nil, malformed("unsupported field %q in %s (the subset takes field names only)", f, kw)
				}
				out.Fields = append(out.Fields, f)
			}
		case "filter":
			conds, err := parseFilter(rest)
			if err != nil {
				return nil, err
			}
			out.Conds = append(out.Conds, conds...)
		case "sort":
			parts := strings.Fields(rest)
			if len(parts) == 0 || len(parts) > 2 || parts[0] != "@timestamp" {
				return nil, malformed("sort supports only '@timestamp asc|desc', got %q", rest)
			}
			if len(parts) == 2 {
				switch strings.ToLower(parts[1]) {
				case "asc":
					out.Desc = false
				case "desc":
				default:
					return nil, malformed("sort order must be asc or desc, got %q", parts[1])
				}
			}
		case "limit":
			n, err := strconv.Atoi(rest)
			if err != nil || n < 1 || n > MaxRows {
				return nil, malformed("limit must be a number from 1 to %d, got %q", MaxRows, rest)
			}
			out.Limit = n
		default:
			return nil, malformed("unsupported command %q (supported: fields, filter, sort, limit)", kw)
		}
	}
	return out, nil
}

var fieldRE = regexp.MustCompile(`^@?[A-Za-z_][A-Za-z0-9_.\-@]*$`)

// splitPipes splits at '|' outside quotes and /regex/ literals (field names
// hold no '/').
func splitPipes(q string) []string {
	var out []string
	var quote byte
	start := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\'' || c == '`' || c == '/'):
			quote = c
		case quote == 0 && c == '|':
			out = append(out, q[start:i])
			start = i + 1
		}
	}
	return append(out, q[start:])
}
