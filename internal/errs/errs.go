// Package errs is the single error taxonomy of agentcore. Services classify
// their failures with a Kind; the HTTP edge maps kinds to AWS error types in
// one table. Inspect errors only with errors.Is / errors.As.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error. The zero value is Internal.
type Kind int

// Error classes.
const (
	Internal          Kind = iota // unexpected; the message is not shown to callers
	Invalid                       // bad input: ValidationException
	NotFound                      // ResourceNotFoundException
	Conflict                      // ConflictException
	AccessDenied                  // AccessDeniedException
	Unauthorized                  // UnauthorizedException
	Throttled                     // ThrottlingException
	QuotaExceeded                 // ServiceQuotaExceededException
	RuntimeClient                 // RuntimeClientError: the hosted agent failed
	Timeout                       // the hosted agent did not answer in time
	Unavailable                   // temporarily unable; retry
	RetryableConflict             // RetryableConflictException
	UnknownOperation              // no such operation
)

var kindNames = map[Kind]string{
	Internal: "internal", Invalid: "invalid", NotFound: "not found", Conflict: "conflict",
	AccessDenied: "access denied", Unauthorized: "unauthorized", Throttled: "throttled",
	QuotaExceeded: "quota exceeded", RuntimeClient: "runtime client error", Timeout: "timeout",
	Unavailable: "unavailable", RetryableConflict: "retryable conflict", UnknownOperation: "unknown operation",
}

func (k Kind) String() string { return kindNames[k] }

// Validation reasons (ValidationExceptionReason).
const (
	ReasonCannotParse         = "CannotParse"
	ReasonFieldValidation     = "FieldValidationFailed"
	ReasonIdempotencyMismatch = "IdempotentParameterMismatchException"
	ReasonResourceConflict    = "ResourceConflict"
)

// Error is a classified error with a message safe to show to callers.
type Error struct {
	Kind    Kind
	Message string
	Reason  string // ValidationException reason, optional
	Field   string // offending member name, optional
	Err     error  // wrapped cause, optional
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports a match against a sentinel of the same kind, so
// errors.Is(err, errs.ErrNotFound) works for any NotFound error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Err == nil && t.Kind == e.Kind
}

// Sentinels for errors.Is checks.
var (
	ErrNotFound = &Error{Kind: NotFound}
	ErrConflict = &Error{Kind: Conflict}
	ErrInvalid  = &Error{Kind: Invalid}
)

// E builds an Error of kind k with a formatted message.
func E(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Field builds a field validation error.
func Field(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Reason: ReasonFieldValidation, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Wrap classifies cause under kind k with a message.
func Wrap(k Kind, cause error, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...), Err: cause}
}

// KindOf returns the kind of err, or Internal when err is not classified.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// As returns the classified error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Shape is how the AWS edge answers an error: its kind, AWS error type,
// HTTP status and the message the caller may see. Protocol handlers that
// write errors in their own envelope (JSON-RPC, OpenAI) ask the edge for it.
type Shape struct {
	Kind    Kind
	Type    string
	Status  int
	Message string
	// Auth marks an authentication failure (SigV4), which the edge answers
	// in AWS's shape whatever protocol the request speaks.
	Auth bool
}
