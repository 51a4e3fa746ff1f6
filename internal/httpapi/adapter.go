package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// op adapts one typed AWS operation to a route handler. The input is bound
// from the request by struct tags, checked, passed to fn, and fn's output is
// sent with status:
//
//	path:"label"      a path label of the route
//	query:"name"      a query parameter (string, *string, []string)
//	header:"Name"     a request header (string, *string); on an output
//	                  field, a response header
//	json:"member"     a member of the JSON body (empty body = {})
//	required:"true"   absent or empty is a ValidationException naming the
//	                  member ("<member> is required")
//
// After binding, an input with a validate() error method is validated (the
// place for patterns, lengths and ranges). Output fields tagged header are
// sent as headers, the rest as the JSON body; status 204 sends no body.
// Errors go through the one error table (errors.go).
func op[In, Out any](status int, fn func(ctx context.Context, in *In) (*Out, error)) handler {
	bindingOf(reflect.TypeFor[In]()) // a mistake in the input's tags panics here, when the route table is built
	out := bindingOf(reflect.TypeFor[Out]())
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
		v, err := bind[In](r, p)
		if err != nil {
			return err
		}
		res, err := fn(ctx, v)
		if err != nil {
			return err
		}
		return out.encode(w, status, res)
	}
}

// bind binds and checks an operation's input as op does, for handlers
// that answer in another form than JSON (event streams).
func bind[In any](r *http.Request, p params) (*In, error) {
	v := new(In)
	if err := bindingOf(reflect.TypeFor[In]()).decode(r, p, reflect.ValueOf(v).Elem()); err != nil {
		return nil, err
	}
	if c, ok := any(v).(interface{ validate() error }); ok {
		if err := c.validate(); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// binding is the cached tag layout of one input or output struct.
type binding struct {
	fields   []boundField // path, query and header fields
	required []boundField // required members, in declaration order
	body     bool         // has JSON body members
}

type boundField struct {
	index  []int
	source string // "path", "query", "header" or "json"
	name   string
}

var bindings sync.Map // reflect.Type -> *binding

func bindingOf(t reflect.Type) *binding {
	if b, ok := bindings.Load(t); ok {
		return b.(*binding)
	}
	b := &binding{}
	if t.Kind() == reflect.Struct {
		b.scan(t, nil)
	}
	v, _ := bindings.LoadOrStore(t, b)
	return v.(*binding)
}

func (b *binding) scan(t reflect.Type, parent []int) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		idx := append(append([]int(nil), parent...), i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		var bf boundField
		for _, src := range []string{"path", "query", "header"} {
			if name, ok := f.Tag.Lookup(src); ok {
				bf = boundField{index: idx, source: src, name: name}
			}
		}
		if bf.source != "" {
			if f.Tag.Get("json") != "-" {
				panic(fmt.Sprintf("httpapi: %s.%s is bound from the %s and needs json:\"-\"", t, f.Name, bf.source))
			}
			b.fields = append(b.fields, bf)
		} else if jn := jsonName(f); jn != "-" {
			if f.Anonymous && f.Type.Kind() == reflect.Struct && jn == "" {
				b.scan(f.Type, idx) // embedded: its members are ours
				continue
			}
			b.body = true
			bf = boundField{index: idx, source: "json", name: jn}
		}
		if f.Tag.Get("required") == "true" {
			if bf.name == "" {
				panic(fmt.Sprintf("httpapi: required field %s.%s has no member name", t, f.Name))
			}
			b.required = append(b.required, bf)
		}
	}
}

// jsonName is the member name of f ("" for an untagged embedded struct,
// "-" for a skipped field).
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "-"
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" && !f.Anonymous {
		return f.Name
	}
	return name
}

func (b *binding) decode(r *http.Request, p params, v reflect.Value) error {
	if b.body {
		body, err := readBody(r)
		if err != nil {
			return err
		}
		if err := decodeJSON(body, v.Addr().Interface()); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	for _, f := range b.fields {
		fv := v.FieldByIndex(f.index)
		switch f.source {
		case "path":
			setString(fv, p[f.name], true)
		case "header":
			if hv := r.Header.Values(f.name); len(hv) > 0 {
				setString(fv, hv[0], true)
			}
		case "query":
			vals, ok := q[f.name]
			if fv.Kind() == reflect.Slice {
				if ok {
					fv.Set(reflect.ValueOf(append([]string{}, vals...)))
				}
				continue
			}
			if ok && len(vals) > 0 {
				setString(fv, vals[0], true)
			}
		}
	}
	for _, f := range b.required {
		if missing(v.FieldByIndex(f.index)) {
			return errs.Field(f.name, "%s is required", f.name)
		}
	}
	return nil
}

func setString(fv reflect.Value, s string, present bool) {
	if !present {
		return
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(s)
	case reflect.Pointer:
		fv.Set(reflect.ValueOf(&s))
	default:
		panic(fmt.Sprintf("httpapi: cannot bind a string to %s", fv.Type()))
	}
}

// missing reports an absent member: nil, or an empty string.
func missing(v reflect.Value) bool {
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.String {
		return v.Elem().Len() == 0
	}
	return v.IsZero()
}

func (b *binding) encode(w http.ResponseWriter, status int, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem() // invalid for a nil output
	}
	if rv.Kind() == reflect.Struct {
		b.setHeaders(w.Header(), rv)
	}
	switch {
	case status == http.StatusNoContent:
		w.WriteHeader(status)
		return nil
	case !rv.IsValid() || rv.Kind() == reflect.Struct && !b.body:
		return writeJSON(w, status, struct{}{})
	}
	return writeJSON(w, status, out)
}

// setHeaders sends the output fields tagged header (empty ones are omitted).
func (b *binding) setHeaders(h http.Header, rv reflect.Value) {
	for _, f := range b.fields {
		if f.source != "header" {
			continue
		}
		fv := rv.FieldByIndex(f.index)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				continue
			}
			fv = fv.Elem()
		}
		switch fv.Kind() {
		case reflect.String:
			if s := fv.String(); s != "" {
				h.Set(f.name, s)
			}
		case reflect.Int, reflect.Int64:
			h.Set(f.name, strconv.FormatInt(fv.Int(), 10))
		}
	}
}

// noContent is the output of operations answered with 204 and no body.
type noContent struct{}

// awsTime is a restJson1 date-time member, sent as RFC 3339 (dateTime).
type awsTime time.Time

func (t awsTime) MarshalJSON() ([]byte, error) { return json.Marshal(dateTime(time.Time(t))) }

// optTime is an optional date-time member: nil (omitted) for nil.
func optTime(t *time.Time) *awsTime {
	if t == nil {
		return nil
	}
	v := awsTime(*t)
	return &v
}

// optRaw is an optional document member: omitted when empty or null.
func optRaw(b []byte) json.RawMessage {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return json.RawMessage(b)
}
