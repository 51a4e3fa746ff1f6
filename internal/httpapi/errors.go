package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// awsError is one row of the error table: the AWS error type and HTTP status
// a class of error is sent as.
type awsError struct {
	Type   string
	Status int
}

// errorTable is the one place AWS error types are chosen.
var errorTable = map[errs.Kind]awsError{
	errs.Invalid:           {"ValidationException", http.StatusBadRequest},
	errs.NotFound:          {"ResourceNotFoundException", http.StatusNotFound},
	errs.Conflict:          {"ConflictException", http.StatusConflict},
	errs.RetryableConflict: {"RetryableConflictException", http.StatusConflict},
	errs.AccessDenied:      {"AccessDeniedException", http.StatusForbidden},
	errs.Unauthorized:      {"UnauthorizedException", http.StatusUnauthorized},
	errs.Throttled:         {"ThrottlingException", http.StatusTooManyRequests},
	errs.QuotaExceeded:     {"ServiceQuotaExceededException", http.StatusPaymentRequired},
	errs.RuntimeClient:     {"RuntimeClientError", http.StatusFailedDependency},
	errs.Timeout:           {"RuntimeClientError", http.StatusGatewayTimeout},
	errs.Unavailable:       {"ServiceException", http.StatusServiceUnavailable},
	errs.UnknownOperation:  {"UnknownOperationException", http.StatusNotFound},
	errs.Internal:          {"InternalServerException", http.StatusInternalServerError},
}

type fieldErr struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

type errorBody struct {
	Type      string     `json:"__type"`
	Message   string     `json:"message"`
	Reason    string     `json:"reason,omitempty"`
	FieldList []fieldErr `json:"fieldList,omitempty"`
}

// classify turns any error into a classified one (context errors included).
func classify(err error) *errs.Error {
	if e, ok := errs.As(err); ok {
		return e
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return errs.E(errs.Timeout, "the request timed out")
	case errors.Is(err, context.Canceled):
		return errs.E(errs.Unavailable, "the request was cancelled")
	}
	return &errs.Error{Kind: errs.Internal, Err: err}
}

// writeError sends err as an AWS restJson1 error. Internal errors are logged
// and sent with a generic message.
func writeError(w http.ResponseWriter, lg *slog.Logger, op string, err error) {
	e := classify(err)
	row, ok := errorTable[e.Kind]
	if !ok {
		row = errorTable[errs.Internal]
	}
	body := errorBody{Type: row.Type, Message: e.Error()}
	if e.Kind == errs.Internal {
		lg.Error("internal error", "op", op, "err", err)
		body.Message = "An internal error occurred. Check the server log for details."
	}
	if e.Kind == errs.Invalid {
		body.Reason = e.Reason
		if body.Reason == "" {
			body.Reason = errs.ReasonFieldValidation
		}
		if e.Field != "" {
			body.FieldList = []fieldErr{{Name: e.Field, Message: e.Message}}
		}
	}
	if body.Message == "" {
		body.Message = e.Error()
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Errortype", row.Type)
	w.WriteHeader(row.Status)
	json.NewEncoder(w).Encode(body) //nolint:errcheck // client gone
}
