package codeinterpreter

import (
	"context"
	"crypto/rand"
	"fmt"
	"github.com/agentcore-dev/agentcore/internal/toolsession"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Tables in the key-value store.
const (
	tblInterpreter = "codeinterpreter"         // acct/id -> Interpreter
	tblName        = "codeinterpreter_name"    // acct/name -> id
	tblSession     = "codeinterpreter_session" // acct/interpreterId/sessionId -> Session
)

func interpKey(acct, id string) string           { return acct + "/" + id }
func nameKey(acct, name string) string           { return acct + "/" + name }
func sessionKey(acct, interp, sid string) string { return toolsession.Key(acct, interp, sid) }

func (s *Service) interpreterRev(ctx context.Context, acct, id string) (*Interpreter, int64, error) {
	it, rev, err := store.GetJSON[Interpreter](ctx, s.kv, tblInterpreter, interpKey(acct, id))
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "code interpreter %s not found", id)
	}
	return it, rev, err
}

func (s *Service) sessionRev(ctx context.Context, acct, interp, sid string) (*Session, int64, error) {
	v, rev, err := store.GetJSON[Session](ctx, s.kv, tblSession, sessionKey(acct, interp, sid))
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "session %s of code interpreter %s not found", sid, interp)
	}
	return v, rev, err
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomID returns n random characters of set.
func randomID(n int, set string) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand never fails on Linux
	for i := range b {
		b[i] = set[int(b[i])%len(set)]
	}
	return string(b)
}

// newSessionID makes a session id ([0-9a-zA-Z]{1,40}; AWS's are 26
// upper-case alphanumerics).
func newSessionID() string { return randomID(26, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") }

// CustomARN is the ARN of a custom interpreter.
func CustomARN(region, acct, id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:code-interpreter-custom/%s", region, acct, id)
}

// BuiltinARN is the ARN of the built-in interpreter in a region.
func BuiltinARN(region string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:aws:code-interpreter/%s", region, BuiltinID)
}
