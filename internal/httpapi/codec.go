package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

const maxJSONBody = 10 << 20

// readBody reads a JSON request body (empty means {}).
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "reading request body")
	}
	if len(b) > maxJSONBody {
		return nil, errs.E(errs.Invalid, "request body exceeds %d bytes", maxJSONBody)
	}
	return b, nil
}

// decodeJSON parses body into v. Unknown members are ignored (as AWS
// clients do); members of the wrong type are a ValidationException.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &errs.Error{Kind: errs.Invalid, Reason: errs.ReasonCannotParse, Field: te.Field,
				Message: fmt.Sprintf("member %s must be of type %s, got a JSON %s", te.Field, te.Type, te.Value)}
		}
		return &errs.Error{Kind: errs.Invalid, Reason: errs.ReasonCannotParse, Message: "request body is not valid JSON: " + err.Error()}
	}
	return nil
}

// writeJSON sends v with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// dateTime formats a date-time member (RFC 3339).
func dateTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
