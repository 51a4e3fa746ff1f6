package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// IAMCheck verifies the inbound request's SigV4 signature and returns the
// caller's IAM ARN (the HTTP layer binds it to the request).
type IAMCheck func(ctx context.Context) (string, error)

// Authenticate checks an inbound request against the gateway's authorizer.
// bearer is the token from "Authorization: Bearer ..." ("" if absent); iam
// verifies a SigV4 signature (nil when the server has no verifier).
func (s *Service) Authenticate(ctx context.Context, g *Gateway, bearer string, iam IAMCheck) (*Caller, error) {
	switch g.AuthorizerType {
	case AuthNone:
		return &Caller{Principal: "anonymous"}, nil
	case AuthCustomJWT:
		if bearer == "" {
			return nil, errs.E(errs.Unauthorized, "missing bearer token")
		}
		if s.o.Tokens == nil {
			return nil, errs.E(errs.Unavailable, "no JWT validator is configured")
		}
		claims, err := s.o.Tokens.Validate(ctx, bearer, g.AuthorizerConfiguration.CustomJWTAuthorizer)
		if err != nil {
			if e, ok := errs.As(err); ok && e.Kind != errs.Internal {
				return nil, err
			}
			return nil, errs.Wrap(errs.Unauthorized, err, "invalid bearer token")
		}
		sub, _ := claims["sub"].(string)
		if sub == "" {
			sub, _ = claims["client_id"].(string)
		}
		return &Caller{Principal: sub, Claims: claims}, nil
	case AuthIAM:
		if iam == nil {
			return nil, errs.E(errs.Unauthorized, "this server cannot verify SigV4 signatures (AWS_IAM authorizer)")
		}
		arn, err := iam(ctx)
		if err != nil {
			return nil, errs.Wrap(errs.Unauthorized, err, "SigV4 verification failed")
		}
		return &Caller{Principal: arn, Claims: map[string]any{"sub": arn}}, nil
	}
	return nil, errs.E(errs.Unauthorized, "gateway %s has authorizer type %s", g.ID, g.AuthorizerType)
}

// ToolCall is one tools/call request on the data plane.
type ToolCall struct {
	Catalogue *Catalogue
	Caller    *Caller
	Name      string
	Arguments json.RawMessage
	RequestID string
	SessionID string
	// Record, when set, receives the call's record (the HTTP layer puts it
	// on the request's span).
	Record *CallRecord
}

// DeniedError is a call refused by policy or an interceptor.
type DeniedError struct{ Message string }

func (e *DeniedError) Error() string { return e.Message }

// InvalidArgumentsError is a call whose arguments fail the tool's schema.
type InvalidArgumentsError struct{ Message string }

func (e *InvalidArgumentsError) Error() string { return e.Message }

// CallTool runs one tool call: request interceptors, argument validation,
// policy, outbound credentials, the backend, response interceptors. The
// error is a *DeniedError, an *InvalidArgumentsError, errs.NotFound for an
// unknown tool, or another failure; a backend's own failure is a Result
// with IsError.
func (s *Service) CallTool(ctx context.Context, tc *ToolCall) (res *Result, err error) {
	g := tc.Catalogue.Gateway
	start := time.Now()

	rec := CallRecord{Time: start.UTC(), GatewayID: g.ID, Tool: tc.Name, Principal: tc.Caller.Principal, Decision: "NONE"}
	defer func() {
		rec.Duration = time.Since(start)
		switch {
		case err != nil:
			rec.Outcome, rec.Error = outcome(err), err.Error()
		case res != nil && res.IsError:
			rec.Outcome = "tool_error"
		default:
			rec.Outcome = "ok"
		}
		if tc.Record != nil {
			*tc.Record = rec
		}
		s.rec.add(rec)
		if !s.log.Enabled(ctx, slog.LevelInfo) { // the arguments below would allocate for nothing
			return
		}
		s.log.Info("gateway tool call", "gateway", g.ID, "tool", tc.Name, "principal", rec.Principal, "decision", rec.Decision,
			"mode", rec.Mode, "outcome", rec.Outcome, "err", rec.Error, "ms", float64(rec.Duration.Microseconds())/1000)
	}()

	args := tc.Arguments
	if len(bytes.TrimSpace(args)) == 0 || string(bytes.TrimSpace(args)) == "null" {
		args = json.RawMessage("{}")
	}
	// Request interceptors may rewrite the arguments or answer themselves.
	if short, newArgs, err := s.interceptRequest(ctx, tc, args); err != nil {
		return nil, err
	} else if short != nil {
		return short, nil
	} else if newArgs != nil {
		args = newArgs
	}
	e, ok := tc.Catalogue.Lookup(tc.Name)
	if !ok {
		return nil, errs.E(errs.NotFound, "unknown tool %q", tc.Name)
	}
	if e.Target.Status != StatusReady {
		return &Result{Text: fmt.Sprintf("target %s is %s: %s", e.Target.Name, e.Target.Status, strings.Join(e.Target.StatusReasons, "; ")), IsError: true}, nil
	}
	input, err := validateArgs(e, args)
	if err != nil {
		return nil, err
	}
	if pe := g.PolicyEngineConfiguration; pe != nil {
		rec.Mode = pe.Mode
		if s.o.Authorizer == nil {
			return nil, errs.E(errs.Unavailable, "gateway %s has a policy engine but no authorizer is configured", g.ID)
		}
		d, err := s.o.Authorizer.Authorize(ctx, &AuthzRequest{EngineARN: pe.Arn, GatewayARN: g.ARN, Action: tc.Name,
			Principal: tc.Caller.Principal, Claims: tc.Caller.Claims, Input: input, InputSchema: e.Tool.InputSchema})
		if err != nil {
			return nil, err
		}
		rec.Decision, rec.Policies = "DENY", d.Policies
		if d.Allow {
			rec.Decision = "ALLOW"
		}
		if !d.Allow && pe.Mode == ModeEnforce {
			return nil, &DeniedError{Message: fmt.Sprintf("tool call %s denied by policy", tc.Name)}
		}
	}
	auth, err := s.outbound(ctx, e.Target)
	if err != nil {
		return nil, errs.Wrap(errs.Unavailable, err, "fetching outbound credentials for target %s", e.Target.Name)
	}
	b := s.o.Backends[e.Target.Kind()]
	if b == nil {
		return nil, errs.E(errs.Unavailable, "no backend for %s targets", e.Target.Kind())
	}
	cctx, cancel := context.WithTimeout(ctx, s.o.CallTimeout)
	defer cancel()
	res, err = b.Call(cctx, &Call{Gateway: g, Target: e.Target, Tool: e.Tool, Name: tc.Name, Arguments: input, Auth: auth,
		RequestID: tc.RequestID, SessionID: tc.SessionID})
	if err != nil {
		// Details (addresses, transport errors) only with exceptionLevel DEBUG.
		msg := "error calling " + tc.Name + ": the target could not be reached"
		switch {
		case cctx.Err() != nil && ctx.Err() == nil:
			msg = fmt.Sprintf("error calling %s: target %s did not answer within %s", tc.Name, e.Target.Name, s.o.CallTimeout)
		case g.ExceptionLevel == "DEBUG":
			msg = "error calling " + tc.Name + ": " + err.Error()
		}
		rec.Error = err.Error()
		s.log.Warn("gateway target call failed", "gateway", g.ID, "tool", tc.Name, "err", err)
		res, err = &Result{Text: msg, IsError: true}, nil
	}
	return s.interceptResponse(ctx, tc, args, res)
}

func outcome(err error) string {
	switch err.(type) {
	case *DeniedError:
		return "denied"
	case *InvalidArgumentsError:
		return "invalid_arguments"
	}
	return "error"
}

// validateArgs checks args against the tool's input schema and decodes them.
func validateArgs(e *Entry, args json.RawMessage) (map[string]any, error) {
	sch, err := e.compiled()
	if err != nil {
		return nil, &InvalidArgumentsError{Message: fmt.Sprintf("tool %s has an input schema that cannot be compiled: %v", e.Name, err)}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(args))
	if err != nil {
		return nil, &InvalidArgumentsError{Message: "arguments are not valid JSON: " + err.Error()}
	}
	m, ok := inst.(map[string]any)
	if !ok {
		return nil, &InvalidArgumentsError{Message: "arguments must be a JSON object"}
	}
	if err := sch.Validate(inst); err != nil {
		msg := err.Error()
		if ve, ok := err.(*jsonschema.ValidationError); ok {
			msg = strings.ReplaceAll(strings.TrimSpace(ve.Error()), "\n", "; ")
			msg = strings.Replace(msg, "jsonschema validation failed with 'tool.json#'; ", "", 1)
		}
		return nil, &InvalidArgumentsError{Message: "arguments do not match the input schema of " + e.Name + ": " + msg}
	}
	return m, nil
}
