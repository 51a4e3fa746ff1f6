package agentcore

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// HTTPError makes the invocation answer with Status and the body {"error": Detail}, like
// raising starlette.exceptions.HTTPException in the Python SDK. An empty Detail becomes the
// status text. Return it as a value or a pointer, bare or wrapped.
type HTTPError struct {
	Status int
	Detail string
}

func (e HTTPError) Error() string {
	return fmt.Sprintf("http %d: %s", e.Status, e.detail())
}

func (e HTTPError) detail() string {
	if e.Detail != "" {
		return e.Detail
	}
	return http.StatusText(e.Status)
}

// errorStatus maps an entrypoint error to the status and {"error": ...} message of the reply.
func errorStatus(err error) (int, string) {
	var p *HTTPError
	if errors.As(err, &p) && p != nil {
		return validStatus(p.Status), p.detail()
	}
	var v HTTPError
	if errors.As(err, &v) {
		return validStatus(v.Status), v.detail()
	}
	return http.StatusInternalServerError, err.Error()
}

func validStatus(s int) int {
	if s < 100 || s > 999 {
		return http.StatusInternalServerError
	}
	return s
}

// errorTypeName gives the Go counterpart of Python's type(e).__name__ for the SSE error event:
// the unqualified type name of err without the pointer star.
func errorTypeName(err error) string {
	name := fmt.Sprintf("%T", err)
	name = strings.TrimLeft(name, "*")
	if i := strings.LastIndex(name, "."); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// panicError is what a recovered panic in a handler turns into.
type panicError struct{ value any }

func (p panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

func stringForm(v any) string { return fmt.Sprint(v) }
