package jwtauth

import "errors"

// Reason classifies a rejected token.
type Reason string

// Reasons a token is rejected.
const (
	ReasonMissing    Reason = "missing"
	ReasonMalformed  Reason = "malformed"
	ReasonSignature  Reason = "signature"
	ReasonUnknownKey Reason = "unknown_key"
	ReasonExpired    Reason = "expired"
	ReasonNotYet     Reason = "not_yet_valid"
	ReasonIssuer     Reason = "issuer"
	ReasonAudience   Reason = "audience"
	ReasonClient     Reason = "client"
	ReasonScope      Reason = "scope"
	ReasonClaim      Reason = "claim"
	ReasonDiscovery  Reason = "discovery" // the issuer could not be reached or answered garbage
)

// Error is a rejected token. Message is safe to show to the caller.
type Error struct {
	Reason  Reason
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches another *Error by reason (errors.Is(err, &Error{Reason: ReasonExpired})).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Reason == e.Reason
}

func rej(r Reason, msg string, err error) *Error { return &Error{Reason: r, Message: msg, Err: err} }

// ReasonOf returns the reason of a rejection ("" when err is not one).
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}
