package insights

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Record is one log event: a JSON document with its timestamp.
type Record struct {
	Time time.Time
	Doc  map[string]any
	msg  string
}

// Field is one column of a result row.
type Field struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Stats are a query's statistics.
type Stats struct {
	RecordsMatched, RecordsScanned, BytesScanned float64
}

const timeLayout = "2006-01-02 15:04:05.000"

func (r *Record) message() string {
	if r.msg == "" {
		if b, err := json.Marshal(r.Doc); err == nil {
			r.msg = string(b)
		}
	}
	return r.msg
}

// lookup reads a field path: @timestamp and @message, else a path into the
// document where a dotted key ("session.id") may itself contain dots.
func (r *Record) lookup(path string) (any, bool) {
	switch path {
	case "@timestamp":
		return r.Time.UTC().Format(timeLayout), true
	case "@message":
		return r.message(), true
	}
	return find(r.Doc, strings.TrimPrefix(path, "`"))
}

func find(m map[string]any, path string) (any, bool) {
	if v, ok := m[path]; ok {
		return v, v != nil
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		if sub, ok := m[path[:i]].(map[string]any); ok {
			if v, ok := find(sub, path[i+1:]); ok {
				return v, true
			}
		}
	}
	return nil, false
}

func render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (c *Cond) match(r *Record) bool {
	v, ok := r.lookup(c.Field)
	var res bool
	switch c.Op {
	case "ispresent":
		res = ok
	case "=", "!=":
		eq := false
		if ok {
			if c.Num != nil {
				f, err := strconv.ParseFloat(render(v), 64)
				eq = err == nil && f == *c.Num
			} else {
				eq = render(v) == c.Value
			}
		}
		res = eq == (c.Op == "=")
		if !ok && c.Op == "!=" {
			res = false // CloudWatch: a missing field matches neither = nor !=
		}
	case "like":
		s := render(v)
		if c.Re != nil {
			res = ok && c.Re.MatchString(s)
		} else {
			res = ok && strings.Contains(s, c.Value)
		}
	}
	return res != c.Not
}

// Run applies q to the records and returns the result rows.
func Run(q *Query, recs []Record) ([][]Field, Stats) {
	var st Stats
	var matched []*Record
	for i := range recs {
		r := &recs[i]
		st.RecordsScanned++
		st.BytesScanned += float64(len(r.message()))
		ok := true
		for j := range q.Conds {
			if !q.Conds[j].match(r) {
				ok = false
				break
			}
		}
		if ok {
			matched = append(matched, r)
		}
	}
	st.RecordsMatched = float64(len(matched))
	sort.SliceStable(matched, func(i, j int) bool {
		if q.Desc {
			return matched[i].Time.After(matched[j].Time)
		}
		return matched[i].Time.Before(matched[j].Time)
	})
	limit := q.Limit
	if limit == 0 {
		limit = MaxRows
	}
	if len(matched) > limit {
		matched = matched[:limit]
	}
	fields := q.Fields
	if len(fields) == 0 {
		fields = []string{"@timestamp", "@message"}
	}
	rows := make([][]Field, 0, len(matched))
	for i, r := range matched {
		row := make([]Field, 0, len(fields)+1)
		for _, f := range fields {
			if v, ok := r.lookup(f); ok {
				row = append(row, Field{f, render(v)})
			}
		}
		row = append(row, Field{"@ptr", ptr(r, i)})
		rows = append(rows, row)
	}
	return rows, st
}

func ptr(r *Record, i int) string {
	return strconv.FormatInt(r.Time.UnixNano(), 36) + "-" + strconv.Itoa(i)
}

// SessionOf returns the value an `attributes.session.id = "..."` condition
// requires, so the store can be asked for one session only.
func (q *Query) SessionOf() string {
	for _, c := range q.Conds {
		if c.Field == "attributes.session.id" && c.Op == "=" && !c.Not && c.Num == nil {
			return c.Value
		}
	}
	return ""
}
