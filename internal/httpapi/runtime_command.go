package httpapi

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/google/uuid"
)

// Limits of InvokeAgentRuntimeCommand (AWS documents none in the model).
const (
	// MaxCommandBytes bounds the command line.
	MaxCommandBytes = 64 << 10
	// DefaultCommandTimeout applies when the request has no timeout;
	// MaxCommandTimeout is the largest accepted (seconds, like the member).
	DefaultCommandTimeout = 300
	MaxCommandTimeout     = 3600
)

// commandChunk is the chunk event of InvokeAgentRuntimeCommandStreamOutput
// (exactly one member set).
type commandChunk struct {
	ContentStart *struct{}     `json:"contentStart,omitempty"`
	ContentDelta *commandDelta `json:"contentDelta,omitempty"`
	ContentStop  *commandStop  `json:"contentStop,omitempty"`
}

type commandDelta struct {
	Stdout *string `json:"stdout,omitempty"`
	Stderr *string `json:"stderr,omitempty"`
}

type commandStop struct {
	ExitCode int    `json:"exitCode"`
	Status   string `json:"status"`
}

// deltaChunk is a contentDelta chunk of one output stream.
func deltaChunk(stream, text string) commandChunk {
	d := &commandDelta{Stdout: &text}
	if stream == "stderr" {
		d = &commandDelta{Stderr: &text}
	}
	return commandChunk{ContentDelta: d}
}

// commandBody is InvokeAgentRuntimeCommandRequestBody.
type commandBody struct {
	Command *string `json:"command"`
	Timeout *int    `json:"timeout"`
}

// invokeAgentRuntimeCommand runs a shell command inside the session's
// sandbox (the session InvokeAgentRuntime uses for the same
// runtimeSessionId, started if needed) and streams its output back as the
// InvokeAgentRuntimeCommandStreamOutput event stream: a contentStart chunk,
// contentDelta chunks (stdout/stderr as produced), and a contentStop chunk
// with the exit code and COMPLETED or TIMED_OUT. Failures after the stream
// has started are sent as exception events.
func (s *Server) invokeAgentRuntimeCommand(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	tg := target(r, p)
	if tg.SessionID == "" {
		tg.SessionID = uuid.NewString()
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	var body commandBody
	if err := decodeJSON(raw, &body); err != nil {
		return err
	}
	switch {
	case body.Command == nil || *body.Command == "":
		return errs.Field("command", "command is required and must not be empty")
	case len(*body.Command) > MaxCommandBytes:
		return errs.Field("command", "command is %d bytes; the limit is %d bytes", len(*body.Command), MaxCommandBytes)
	case body.Timeout != nil && (*body.Timeout < 1 || *body.Timeout > MaxCommandTimeout):
		return errs.Field("timeout", "timeout must be from 1 to %d seconds (got %d)", MaxCommandTimeout, *body.Timeout)
	}
	timeout := DefaultCommandTimeout * time.Second
	if body.Timeout != nil {
		timeout = time.Duration(*body.Timeout) * time.Second
	}
	inv, err := s.cfg.Runtime.Invoke(ctx, tg)
	if err != nil {
		return err
	}
	defer inv.Release()
	// Output is held back until the stream has begun: the command may write
	// at once, and its chunks must follow the headers and contentStart.
	es := newEventWriter(w, commandExceptions)
	defer es.close()
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, errOut := &deltaWriter{es: es, field: "stdout"}, &deltaWriter{es: es, field: "stderr"}
	proc, err := inv.Exec(cctx, runtime.ExecRequest{Argv: []string{"/bin/sh", "-c", *body.Command}}, out, errOut)
	if errors.Is(err, runtime.ErrExecUnsupported) {
		return err
	}
	if err != nil {
		s.log.Warn("command failed to start", "runtime", inv.RuntimeID, "session", inv.ID, "err", err)
		return errs.Wrap(errs.RuntimeClient, err, "the command could not be started in the session")
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.amazon.eventstream")
	h.Set(hSession, tg.SessionID)
	w.WriteHeader(http.StatusOK)
	es.begin("chunk", commandChunk{ContentStart: &struct{}{}})
	code, werr := proc.Wait()
	out.flush()
	errOut.flush()
	if werr != nil {
		s.log.Warn("command wait failed", "runtime", inv.RuntimeID, "session", inv.ID, "err", werr)
		es.exception(errs.Wrap(errs.RuntimeClient, werr, "the command could not be waited for"))
		return nil
	}
	status := "COMPLETED"
	if cctx.Err() != nil {
		if ctx.Err() != nil {
			return nil // the caller went away
		}
		status = "TIMED_OUT"
	}
	es.event("chunk", commandChunk{ContentStop: &commandStop{ExitCode: code, Status: status}})
	return nil
}

// deltaWriter turns one output stream of the command into contentDelta
// chunks. JSON strings carry text, so a UTF-8 sequence split between two
// writes is held back until it is complete (invalid bytes become U+FFFD).
type deltaWriter struct {
	es    *eventWriter
	field string
	carry []byte
}

func (d *deltaWriter) Write(p []byte) (int, error) {
	n := len(p)
	b := append(d.carry, p...)
	d.carry = nil
	// Hold back an incomplete trailing sequence (at most 3 bytes).
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				d.carry = bytes.Clone(b[len(b)-i:])
				b = b[:len(b)-i]
			}
			break
		}
	}
	if len(b) > 0 {
		d.es.event("chunk", deltaChunk(d.field, string(b)))
	}
	return n, nil
}

// flush sends what was held back (the output ended mid-sequence).
func (d *deltaWriter) flush() {
	if len(d.carry) > 0 {
		b := d.carry
		d.carry = nil
		d.es.event("chunk", deltaChunk(d.field, string(b)))
	}
}
