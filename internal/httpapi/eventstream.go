package httpapi

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/aws/smithy-go/eventstream"
)

// AWS event-stream responses (InvokeAgentRuntimeCommand,
// InvokeCodeInterpreter): restJson1 has no initial-response message, so the
// output headers go with the HTTP response and every frame is an event of
// the operation's union, or a modelled exception that ends the stream.

// eventWriter writes AWS event-stream messages to the response, one
// writer at a time, flushing each; after close it drops writes. Writes
// wait until begin.
type eventWriter struct {
	mu         sync.Mutex // held from creation until begin
	begun      bool       // owned by the handler goroutine
	w          http.ResponseWriter
	rc         *http.ResponseController
	enc        *eventstream.Encoder
	exceptions map[errs.Kind]string // the union's exception members
	closed     bool
	broken     bool
}

// newEventWriter prepares the stream of a union whose exception members
// are exceptions (errors of other kinds go as internalServerException).
func newEventWriter(w http.ResponseWriter, exceptions map[errs.Kind]string) *eventWriter {
	e := &eventWriter{w: w, rc: http.NewResponseController(w), enc: eventstream.NewEncoder(), exceptions: exceptions}
	e.mu.Lock()
	return e
}

// begin sends the response headers with the stream's opening event, if
// any (member "" = none: the headers alone, so the caller sees the answer
// start while the work runs), and lets the other writers through.
func (e *eventWriter) begin(member string, v any) {
	e.begun = true
	if member != "" {
		e.writeLocked(eventHeaders(member), v)
	} else {
		e.rc.Flush() //nolint:errcheck // best effort
	}
	e.mu.Unlock()
}

func (e *eventWriter) write(headers eventstream.Headers, v any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.writeLocked(headers, v)
}

func (e *eventWriter) writeLocked(headers eventstream.Headers, v any) {
	payload, _ := json.Marshal(v)
	if e.closed || e.broken {
		return
	}
	if err := e.enc.Encode(e.w, eventstream.Message{Headers: headers, Payload: payload}); err != nil {
		e.broken = true // the caller went away; the context ends the work
		return
	}
	e.rc.Flush() //nolint:errcheck // best effort
}

// event sends an event of the union member name.
func (e *eventWriter) event(member string, v any) { e.write(eventHeaders(member), v) }

func eventHeaders(member string) eventstream.Headers {
	return eventstream.Headers{
		{Name: ":message-type", Value: eventstream.StringValue("event")},
		{Name: ":event-type", Value: eventstream.StringValue(member)},
		{Name: ":content-type", Value: eventstream.StringValue("application/json")},
	}
}

// commandExceptions are the exception members of InvokeAgentRuntimeCommandStreamOutput.
var commandExceptions = map[errs.Kind]string{
	errs.Invalid:       "validationException",
	errs.NotFound:      "resourceNotFoundException",
	errs.AccessDenied:  "accessDeniedException",
	errs.Throttled:     "throttlingException",
	errs.QuotaExceeded: "serviceQuotaExceededException",
	errs.RuntimeClient: "runtimeClientError",
	errs.Timeout:       "runtimeClientError",
}

// codeInterpreterExceptions are the exception members of
// CodeInterpreterStreamOutput; a timeout is an internalServerException
// whose message says so.
var codeInterpreterExceptions = map[errs.Kind]string{
	errs.Invalid:       "validationException",
	errs.NotFound:      "resourceNotFoundException",
	errs.AccessDenied:  "accessDeniedException",
	errs.Conflict:      "conflictException",
	errs.Throttled:     "throttlingException",
	errs.QuotaExceeded: "serviceQuotaExceededException",
	errs.Timeout:       "internalServerException",
}

// exception sends err as a modelled exception event (the client ends the
// stream with the typed error).
func (e *eventWriter) exception(err error) {
	ce := classify(err)
	member, ok := e.exceptions[ce.Kind]
	msg := ce.Error()
	if !ok {
		member, msg = "internalServerException", "An internal error occurred. Check the server log for details."
	}
	body := map[string]string{"message": msg}
	if member == "validationException" {
		body["reason"] = ce.Reason
		if ce.Reason == "" {
			body["reason"] = errs.ReasonFieldValidation
		}
	}
	e.write(eventstream.Headers{
		{Name: ":message-type", Value: eventstream.StringValue("exception")},
		{Name: ":exception-type", Value: eventstream.StringValue(member)},
		{Name: ":content-type", Value: eventstream.StringValue("application/json")},
	}, body)
}

func (e *eventWriter) close() {
	if !e.begun { // still held by the handler: nothing was written
		e.closed = true
		e.mu.Unlock()
		return
	}
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
}
