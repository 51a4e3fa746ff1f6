package httpapi

import (
	"context"
	"net/http"

	ci "github.com/agentcore-dev/agentcore/internal/codeinterpreter"
	"go.opentelemetry.io/otel/attribute"
)

// hCISession is the session header of InvokeCodeInterpreter (request and response).
const hCISession = "X-Amzn-Code-Interpreter-Session-Id"

// invokeCodeInterpreter runs one tool in a session and answers with the
// CodeInterpreterStreamOutput event stream: one result event, or an
// exception event when the kernel refuses the call or fails. A bad request
// or a session that is not running is an HTTP error before the stream.
func (s *Server) invokeCodeInterpreter(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	in, err := bind[invokeCodeInterpreterInput](r, p)
	if err != nil {
		return err
	}
	call, err := s.cfg.CodeInterpreter.Begin(ctx, in.CodeInterpreterIdentifier, in.SessionID, in.ToolRequest)
	if err != nil {
		return err
	}
	var runErr error
	defer func() { call.End(runErr) }()
	if ow, ok := w.(*obsWriter); ok && ow.rec != nil { // the request's span records the tool call
		ow.ciCall = call
	}
	es := newEventWriter(w, codeInterpreterExceptions)
	defer es.close()
	h := w.Header()
	h.Set("Content-Type", "application/vnd.amazon.eventstream")
	h.Set(hCISession, call.SessionID())
	w.WriteHeader(http.StatusOK)
	es.begin("", nil)
	res, runErr := call.Run(ctx)
	if runErr != nil {
		if ctx.Err() == nil {
			es.exception(runErr)
		}
		return nil
	}
	es.event("result", res)
	return nil
}

// codeInterpreterCallAttrs adds the attributes of the request's tool call,
// if it made one, to the request's span.
func codeInterpreterCallAttrs(c *ci.Call, a []attribute.KeyValue) []attribute.KeyValue {
	if c == nil {
		return a
	}
	a = append(a, attribute.String("session.id", c.SessionID()), attribute.String("gen_ai.operation.name", "execute_tool"),
		attribute.String("gen_ai.tool.name", c.Tool()))
	if lang := c.Language(); lang != "" {
		a = append(a, attribute.String("agentcore.code_interpreter.language", lang))
	}
	if res := c.Result; res != nil {
		a = append(a, attribute.Bool("agentcore.code_interpreter.is_error", res.IsError))
		if sc := res.StructuredContent; sc != nil && sc.ExitCode != nil {
			a = append(a, attribute.Int("agentcore.code_interpreter.exit_code", *sc.ExitCode))
		}
	}
	return a
}
