package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/aws/smithy-go/eventstream"
)

// FuzzEventStream writes an AWS event stream the way InvokeAgentRuntimeCommand
// and InvokeCodeInterpreter do (eventWriter: an opening event, command
// output split into arbitrary writes through deltaWriter, an event of an
// arbitrary member with an arbitrary JSON value, then an exception with an
// arbitrary message) and decodes it with smithy-go's eventstream decoder
// (what every AWS SDK for Go v2 client runs): every frame decodes, carries
// the restJson1 headers, its payload is JSON, the output text comes back
// as written (invalid UTF-8 as U+FFFD, as in any JSON string) and the
// exception is the last frame.
func FuzzEventStream(f *testing.F) {
	f.Add([]byte("héllo wörld €\n"), uint8(1), "result", []byte(`{"content":[{"type":"text","text":"2"}]}`), "the sandbox went away", uint8(0))
	f.Add([]byte("\xf0\x9f\x98\x80 and \xe2\x82"), uint8(3), "chunk", []byte(`{"contentStop":{"exitCode":0,"status":"COMPLETED"}}`), "", uint8(1))
	f.Add([]byte{}, uint8(0), "", []byte(`null`), "x\x00y", uint8(2))
	f.Add(bytes.Repeat([]byte("a\xff"), 3000), uint8(7), strings.Repeat("m", 300), []byte(`"`+strings.Repeat("z", 70000)+`"`), strings.Repeat("é", 5000), uint8(3))

	kinds := []errs.Kind{errs.Invalid, errs.RuntimeClient, errs.NotFound, errs.Internal}
	f.Fuzz(func(t *testing.T, out []byte, step uint8, member string, value []byte, msg string, kind uint8) {
		var v any
		if json.Unmarshal(value, &v) != nil {
			v = string(value)
		}
		rec := httptest.NewRecorder()
		es := newEventWriter(rec, commandExceptions)
		es.begin("chunk", commandChunk{ContentStart: &struct{}{}})
		dw := &deltaWriter{es: es, field: "stdout"}
		n := int(step%16) + 1
		for i := 0; i < len(out); i += n {
			dw.Write(out[i:min(i+n, len(out))])
		}
		dw.flush()
		es.event(member, v)
		es.exception(errs.E(kinds[int(kind)%len(kinds)], "%s", msg))
		es.event("chunk", "after the exception: dropped by the client, still framed")
		es.close()

		dec := eventstream.NewDecoder()
		rd := bytes.NewReader(rec.Body.Bytes())
		var msgs []eventstream.Message
		for {
			m, err := dec.Decode(rd, nil)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("frame %d does not decode: %v", len(msgs), err)
			}
			m.Payload = bytes.Clone(m.Payload)
			msgs = append(msgs, m)
		}
		if len(msgs) < 4 {
			t.Fatalf("%d frames", len(msgs))
		}
		var stdout strings.Builder
		exc := -1
		for i, m := range msgs {
			mt := header(m, ":message-type")
			if ct := header(m, ":content-type"); ct != "application/json" {
				t.Fatalf("frame %d content type %q", i, ct)
			}
			var p any
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				t.Fatalf("frame %d payload is not JSON: %v %q", i, err, m.Payload)
			}
			switch mt {
			case "event":
				if i == 0 && header(m, ":event-type") != "chunk" {
					t.Fatalf("opening event %q", header(m, ":event-type"))
				}
				obj, _ := p.(map[string]any)
				if d, ok := obj["contentDelta"]; ok && header(m, ":event-type") == "chunk" && i <= len(msgs)-4 {
					s, _ := d.(map[string]any)["stdout"].(string)
					stdout.WriteString(s)
				}
			case "exception":
				if exc >= 0 {
					t.Fatal("two exceptions")
				}
				exc = i
				if header(m, ":exception-type") == "" {
					t.Fatal("exception without a type")
				}
				if obj, _ := p.(map[string]any); obj == nil || obj["message"] == nil {
					t.Fatalf("exception without a message: %s", m.Payload)
				}
			default:
				t.Fatalf("frame %d message type %q", i, mt)
			}
		}
		if exc != len(msgs)-2 {
			t.Fatalf("exception at frame %d of %d", exc, len(msgs))
		}
		if want := jsonText(out); stdout.String() != want {
			t.Fatalf("stdout %q, want %q", stdout.String(), want)
		}
	})
}

func header(m eventstream.Message, name string) string {
	v := m.Headers.Get(name)
	if v == nil {
		return ""
	}
	return v.String()
}

// jsonText is b as a JSON string carries it (invalid UTF-8 as U+FFFD).
func jsonText(b []byte) string {
	j, _ := json.Marshal(string(b))
	var s string
	json.Unmarshal(j, &s)
	return s
}
