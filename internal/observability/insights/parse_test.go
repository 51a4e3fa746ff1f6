package insights

import (
	"errors"
	"reflect"
	"testing"
)

// cond is a Cond without its compiled parts, for comparisons.
type cond struct {
	Field, Op, Value string
	Not, Num, Re     bool
}

func conds(q *Query) []cond {
	var out []cond
	for _, c := range q.Conds {
		out = append(out, cond{Field: c.Field, Op: c.Op, Value: c.Value, Not: c.Not, Num: c.Num != nil, Re: c.Re != nil})
	}
	return out
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, q string
		fields  []string
		conds   []cond
		desc    bool
		limit   int
	}{
		{name: "the SDK collector's query", q: "fields @timestamp, @message\n| filter attributes.session.id = \"s-1\"\n| filter ispresent(scope.name)\n" +
			"| filter ispresent(traceId)\n| filter ispresent(spanId)\n| sort @timestamp asc",
			fields: []string{"@timestamp", "@message"},
			conds: []cond{{Field: "attributes.session.id", Op: "=", Value: "s-1"}, {Field: "scope.name", Op: "ispresent"},
				{Field: "traceId", Op: "ispresent"}, {Field: "spanId", Op: "ispresent"}}},
		{name: "the SDK helper's default query", q: "fields @timestamp, @message\n        | filter @message like \"s-1\"\n        | sort @timestamp asc",
			fields: []string{"@timestamp", "@message"}, conds: []cond{{Field: "@message", Op: "like", Value: "s-1"}}},
		{name: "and, !=, ==, single quotes", q: `filter a = "x" and b != 'y' AND c == "z"`, desc: true,
			conds: []cond{{Field: "a", Op: "=", Value: "x"}, {Field: "b", Op: "!=", Value: "y"}, {Field: "c", Op: "=", Value: "z"}}},
		{name: "numbers", q: "filter kind = 3 and duration != -1.5", desc: true,
			conds: []cond{{Field: "kind", Op: "=", Value: "3", Num: true}, {Field: "duration", Op: "!=", Value: "-1.5", Num: true}}},
		{name: "like regex and not like", q: `filter name like /^execute_tool / and @message not like "secret"`, desc: true,
			conds: []cond{{Field: "name", Op: "like", Value: "", Re: true}, {Field: "@message", Op: "like", Value: "secret", Not: true}}},
		{name: "not ispresent, not =", q: `filter not ispresent(parentSpanId) and not name = "x"`, desc: true,
			conds: []cond{{Field: "parentSpanId", Op: "ispresent", Not: true}, {Field: "name", Op: "=", Value: "x", Not: true}}},
		{name: "pipes in strings and regexes", q: `filter @message like "a|b" | filter name like /x|y/ | limit 5`, desc: true, limit: 5,
			conds: []cond{{Field: "@message", Op: "like", Value: "a|b"}, {Field: "name", Op: "like", Re: true}}},
		{name: "escaped quote", q: `filter body = "say \"hi\""`, desc: true, conds: []cond{{Field: "body", Op: "=", Value: `say "hi"`}}},
		{name: "display, sort desc, limit", q: "display name, attributes.gen_ai.tool.name | sort @timestamp desc | limit 10000",
			fields: []string{"name", "attributes.gen_ai.tool.name"}, desc: true, limit: 10000},
		{name: "keywords in any case", q: "FIELDS name | FILTER name LIKE 'x' | SORT @timestamp ASC | LIMIT 1",
			fields: []string{"name"}, conds: []cond{{Field: "name", Op: "like", Value: "x"}}, limit: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := Parse(tc.q)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.q, err)
			}
			if !reflect.DeepEqual(q.Fields, tc.fields) || !reflect.DeepEqual(conds(q), tc.conds) || q.Desc != tc.desc || q.Limit != tc.limit {
				t.Errorf("Parse(%q) = fields %q conds %+v desc %v limit %d;\nwant fields %q conds %+v desc %v limit %d",
					tc.q, q.Fields, conds(q), q.Desc, q.Limit, tc.fields, tc.conds, tc.desc, tc.limit)
			}
		})
	}
}

func TestParseRegexIsCompiled(t *testing.T) {
	q, err := Parse(`filter name like /^execute_tool (calc|fmt)$/`)
	if err != nil {
		t.Fatal(err)
	}
	re := q.Conds[0].Re
	if !re.MatchString("execute_tool calc") || re.MatchString("execute_tool calculator") {
		t.Errorf("regex %v", re)
	}
	q, err = Parse(`filter path like /a\/b/`)
	if err != nil || !q.Conds[0].Re.MatchString("x/a/b") {
		t.Errorf("escaped slash: %v %v", q, err)
	}
}

func TestParseMalformed(t *testing.T) {
	for _, q := range []string{
		"", "   ", "|", "fields a |", "fields", "fields a + b", "fields count(*)",
		"stats count(*) by bin(5m)", "parse @message 'x'", "dedup traceId",
		"filter", "filter a", "filter a =", "filter a ~ 'x'", "filter a = b", `filter a = "x`, "filter a like /x",
		"filter a = 'x' or b = 'y'", "filter a = 'x' and", "filter a = 'x' b = 'y'", "filter a ! 'x'", "filter a = 'x' #",
		"filter a like /(/", "filter a != /x/", "filter ispresent('x')", "filter ispresent(a", "filter not",
		"sort", "sort name", "sort @timestamp up", "sort @timestamp asc extra",
		"limit", "limit 0", "limit -1", "limit x", "limit 10001",
	} {
		_, err := Parse(q)
		var me *MalformedError
		if !errors.As(err, &me) || me.Msg == "" {
			t.Errorf("Parse(%q) = %v; want a *MalformedError", q, err)
		}
	}
}
