package runtime

import (
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// checkQuotaLocked refuses a new session of acct when the server or the
// account is at its bound. Sessions of the platform's own tools (account
// "": Code Interpreter, Browser) count towards the server's bound only.
// s.mu is held.
func (s *Sessions) checkQuotaLocked(acct string) error {
	maxAll, maxAcct := s.o.MaxSessions, s.o.MaxPerAccount
	if maxAll <= 0 && (maxAcct <= 0 || acct == "") {
		return nil
	}
	if maxAll > 0 && len(s.m) >= maxAll {
		return errs.E(errs.QuotaExceeded, "this server runs %d sessions, its limit (--max-sessions); stop sessions (StopRuntimeSession) or wait for idle ones to end", len(s.m))
	}
	if maxAcct <= 0 || acct == "" {
		return nil
	}
	n, prefix := 0, acct+"/"
	for k := range s.m {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	if n >= maxAcct {
		return errs.E(errs.QuotaExceeded, "account %s has %d active sessions, the limit per account (--max-sessions-per-account); stop sessions (StopRuntimeSession) or wait for idle ones to end", acct, n)
	}
	return nil
}
