package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"text/tabwriter"
	"time"

	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	"github.com/spf13/cobra"
)

// Output formats of --output.
const (
	outputText = "text"
	outputJSON = "json"
)

// checkOutput validates --output.
func (o *clientOpts) checkOutput() error {
	switch o.output {
	case "", outputText, outputJSON:
		return nil
	}
	return fmt.Errorf("--output %q: want text or json", o.output)
}

// json reports whether the verb prints JSON: --output json, or the verb's
// own --json flag (an alias kept from before --output).
func (o *clientOpts) json(alias bool) bool { return alias || o.output == outputJSON }

// connectHere builds the clients from the flags, with the endpoint and
// region of the project in the current directory, if any.
func (o *clientOpts) connectHere(ctx context.Context) (*clients, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	pc, err := loadConfigOptional(dir)
	if err != nil {
		return nil, err
	}
	return o.connect(ctx, pc)
}

// printWire prints an SDK shape (an operation's output, a type) as the JSON
// the API sends: its members under their API names, unions as one-member
// objects, documents as they are, timestamps in RFC 3339 (as the AWS CLI
// shows them).
func printWire(w io.Writer, v smithy.Serializable) error {
	return printJSON(w, wireValue(v))
}

// wireValue is the JSON value of an SDK shape (see printWire).
func wireValue(v smithy.Serializable) any {
	t := &treeSerializer{}
	v.Serialize(t)
	if t.root == nil {
		return map[string]any{}
	}
	return t.root
}

// treeSerializer is a smithy.ShapeSerializer that builds the shape as Go
// maps, slices and scalars, named by the schema's member names.
type treeSerializer struct {
	root  any
	stack []*treeFrame
	key   *string // set by WriteKey for the next map value
}

type treeFrame struct {
	key  string         // where the finished container goes in its parent
	obj  map[string]any // structures, unions, maps
	list []any
}

var _ smithy.ShapeSerializer = (*treeSerializer)(nil)

// keyFor names the next value in an object: the map key from WriteKey,
// else the member's name.
func (t *treeSerializer) keyFor(s *smithy.Schema) string {
	if t.key != nil {
		k := *t.key
		t.key = nil
		return k
	}
	if s == nil {
		return ""
	}
	return s.MemberName()
}

func (t *treeSerializer) put(s *smithy.Schema, v any) {
	if len(t.stack) == 0 {
		t.root = v
		return
	}
	f := t.stack[len(t.stack)-1]
	if f.obj != nil {
		f.obj[t.keyFor(s)] = v
		return
	}
	f.list = append(f.list, v)
}

func (t *treeSerializer) open(s *smithy.Schema, obj bool) {
	f := &treeFrame{}
	if n := len(t.stack); n > 0 && t.stack[n-1].obj != nil {
		f.key = t.keyFor(s)
	}
	if obj {
		f.obj = map[string]any{}
	} else {
		f.list = []any{}
	}
	t.stack = append(t.stack, f)
}

func (t *treeSerializer) close() {
	f := t.stack[len(t.stack)-1]
	t.stack = t.stack[:len(t.stack)-1]
	var v any = f.list
	if f.obj != nil {
		v = f.obj
	}
	if len(t.stack) == 0 {
		t.root = v
		return
	}
	p := t.stack[len(t.stack)-1]
	if p.obj != nil {
		p.obj[f.key] = v
		return
	}
	p.list = append(p.list, v)
}

func (t *treeSerializer) Bytes() []byte {
	b, _ := json.Marshal(t.root)
	return b
}

func (t *treeSerializer) WriteInt8(s *smithy.Schema, v int8)       { t.put(s, v) }
func (t *treeSerializer) WriteInt16(s *smithy.Schema, v int16)     { t.put(s, v) }
func (t *treeSerializer) WriteInt32(s *smithy.Schema, v int32)     { t.put(s, v) }
func (t *treeSerializer) WriteInt64(s *smithy.Schema, v int64)     { t.put(s, v) }
func (t *treeSerializer) WriteFloat32(s *smithy.Schema, v float32) { t.put(s, v) }
func (t *treeSerializer) WriteFloat64(s *smithy.Schema, v float64) { t.put(s, v) }
func (t *treeSerializer) WriteBool(s *smithy.Schema, v bool)       { t.put(s, v) }
func (t *treeSerializer) WriteString(s *smithy.Schema, v string)   { t.put(s, v) }
func (t *treeSerializer) WriteBigInt(s *smithy.Schema, v *big.Int) { t.put(s, json.Number(v.String())) }
func (t *treeSerializer) WriteBigFloat(s *smithy.Schema, v *big.Float) {
	t.put(s, json.Number(v.Text('g', -1)))
}
func (t *treeSerializer) WriteBlob(s *smithy.Schema, v []byte) { t.put(s, v) } // base64, as on the wire
func (t *treeSerializer) WriteTime(s *smithy.Schema, v time.Time) {
	t.put(s, v.UTC().Format(time.RFC3339Nano))
}
func (t *treeSerializer) WriteNil(s *smithy.Schema) { t.put(s, nil) }
func (t *treeSerializer) WriteDocument(s *smithy.Schema, v document.Value) {
	t.put(s, documentValue(v))
}

func (t *treeSerializer) WriteUnion(s, _ *smithy.Schema) { t.open(s, true) } // the variant names itself
func (t *treeSerializer) CloseUnion()                    { t.close() }
func (t *treeSerializer) WriteStruct(s *smithy.Schema)   { t.open(s, true) }
func (t *treeSerializer) CloseStruct()                   { t.close() }
func (t *treeSerializer) WriteList(s *smithy.Schema)     { t.open(s, false) }
func (t *treeSerializer) CloseList()                     { t.close() }
func (t *treeSerializer) WriteMap(s *smithy.Schema)      { t.open(s, true) }
func (t *treeSerializer) WriteKey(_ *smithy.Schema, k string) {
	t.key = &k
}
func (t *treeSerializer) CloseMap() { t.close() }

// documentValue is a smithy document as a JSON value.
func documentValue(v document.Value) any {
	switch d := v.(type) {
	case document.Boolean:
		return bool(d)
	case document.Number:
		return json.Number(d)
	case document.String:
		return string(d)
	case document.Blob:
		return []byte(d)
	case document.Timestamp:
		return time.Time(d).UTC().Format(time.RFC3339Nano)
	case document.List:
		out := make([]any, len(d))
		for i, e := range d {
			out[i] = documentValue(e)
		}
		return out
	case document.Map:
		out := make(map[string]any, len(d))
		for k, e := range d {
			out[k] = documentValue(e)
		}
		return out
	case document.Structure:
		out := make(map[string]any, len(d.Members))
		for k, e := range d.Members {
			out[k] = documentValue(e)
		}
		return out
	case document.Opaque:
		return opaqueValue(d.Value)
	case *document.Opaque:
		return opaqueValue(d.Value)
	}
	return nil
}

// opaqueValue decodes a document the SDK holds as a Go value (the
// service's document.Interface marshals itself).
func opaqueValue(v any) any {
	var b []byte
	var err error
	if m, ok := v.(document.Marshaler); ok {
		b, err = m.MarshalSmithyDocument()
	} else {
		b, err = json.Marshal(v)
	}
	var out any
	if err != nil || json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

// errorCode is the AWS error type of err ("" when it is not an API error).
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// table is a tab-aligned table for text output.
func table(cmd *cobra.Command, header string) *tabwriter.Writer {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, header)
	return w
}

// fmtTime is a timestamp for a table cell.
func fmtTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.Local().Format(time.DateTime)
}
