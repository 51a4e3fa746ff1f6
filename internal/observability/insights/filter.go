package insights

import (
	"regexp"
	"strconv"
	"strings"
)

// parseFilter parses `cond (and cond)*`.
func parseFilter(s string) ([]Cond, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	var out []Cond
	i := 0
	for {
		c, n, err := parseCond(toks[i:])
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		i += n
		if i == len(toks) {
			return out, nil
		}
		if !strings.EqualFold(toks[i].s, "and") || toks[i].kind != tIdent {
			return nil, malformed("expected 'and' in filter, got %q (the subset supports and-ed conditions only)", toks[i].s)
		}
		i++
		if i == len(toks) {
			return nil, malformed("filter ends after 'and'")
		}
	}
}

func parseCond(t []token) (Cond, int, error) {
	var c Cond
	n := 0
	if len(t) > 0 && t[0].kind == tIdent && strings.EqualFold(t[0].s, "not") {
		c.Not, n = true, 1
	}
	if len(t) >= n+4 && t[n].kind == tIdent && strings.EqualFold(t[n].s, "ispresent") && t[n+1].s == "(" && t[n+3].s == ")" {
		if t[n+2].kind != tIdent {
			return c, 0, malformed("ispresent takes a field name")
		}
		c.Field, c.Op = t[n+2].s, "ispresent"
		return c, n + 4, nil
	}
	if len(t) < n+3 || t[n].kind != tIdent {
		return c, 0, malformed("expected `field = \"value\"`, `field like \"text\"` or `ispresent(field)` in filter")
	}
	c.Field = t[n].s
	op, val := t[n+1], t[n+2]
	switch {
	case op.kind == tOp && (op.s == "=" || op.s == "=="):
		c.Op = "="
	case op.kind == tOp && op.s == "!=":
		c.Op = "!="
	case op.kind == tIdent && strings.EqualFold(op.s, "like"):
		c.Op = "like"
	case op.kind == tIdent && strings.EqualFold(op.s, "not") && len(t) >= n+4 && strings.EqualFold(t[n+2].s, "like"):
		c.Op, c.Not, val = "like", !c.Not, t[n+3]
		n++
	default:
		return c, 0, malformed("unsupported operator %q in filter (supported: =, !=, like, ispresent)", op.s)
	}
	switch val.kind {
	case tString:
		c.Value = val.s
	case tNumber:
		c.Value = val.s
		f, _ := strconv.ParseFloat(val.s, 64)
		c.Num = &f
	case tRegex:
		if c.Op != "like" && c.Op != "=" {
			return c, 0, malformed("a /regex/ needs like")
		}
		re, err := regexp.Compile(val.s)
		if err != nil {
			return c, 0, malformed("bad regular expression /%s/: %v", val.s, err)
		}
		c.Op, c.Re = "like", re
	default:
		return c, 0, malformed("expected a quoted string, a number or a /regex/ after %s, got %q", op.s, val.s)
	}
	return c, n + 3, nil
}

type tokKind int

const (
	tIdent tokKind = iota
	tString
	tNumber
	tRegex
	tOp
)

type token struct {
	kind tokKind
	s    string
}

func tokenize(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			out = append(out, token{tOp, string(c)})
			i++
		case c == '=' || c == '!':
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			if s[i:j] == "!" {
				return nil, malformed("unexpected '!' in filter")
			}
			out = append(out, token{tOp, s[i:j]})
			i = j
		case c == '"' || c == '\'' || c == '/':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != c; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
					if c == '/' && s[j] != '/' {
						b.WriteByte('\\')
					}
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, malformed("unterminated %c in filter", c)
			}
			kind := tString
			if c == '/' {
				kind = tRegex
			}
			out = append(out, token{kind, b.String()})
			i = j + 1
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, token{tNumber, s[i:j]})
			i = j
		case c == '@' || c == '_' || c == '`' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < len(s) && (s[j] == '.' || s[j] == '_' || s[j] == '-' || s[j] == '@' || s[j] >= 'a' && s[j] <= 'z' ||
				s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			out = append(out, token{tIdent, s[i:j]})
			i = j
		default:
			return nil, malformed("unexpected %q in filter", c)
		}
	}
	if len(out) == 0 {
		return nil, malformed("filter needs a condition")
	}
	return out, nil
}
