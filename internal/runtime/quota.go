package runtime

import (
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// checkQuotaLocked refuses a new session of acct's runtime when the server,
// the account or the runtime is at its bound. Sessions of the platform's own tools (account
// "": Code Interpreter, Browser) count towards the server's bound only.
// s.mu is held.
func (s *Sessions) checkQuotaLocked(acct, runtimeID string) error {
	maxAll, maxAcct, maxRt := s.o.MaxSessions, s.o.MaxPerAccount, s.o.MaxPerRuntime
	if maxAll <= 0 && ((maxAcct <= 0 && maxRt <= 0) || acct == "") {
		return nil
	}
	if maxAll > 0 && len(s.m) >= maxAll {
		return errs.E(errs.QuotaExceeded, "this server runs %d sessions, its limit (--max-sessions); stop sessions (StopRuntimeSession) or wait for idle ones to end", len(s.m))
	}
	if acct == "" {
		return nil
	}
	n, nRt, prefix, rtPrefix := 0, 0, acct+"/", acct+"/"+runtimeID+"/"
	for k := range s.m {
		if strings.HasPrefix(k, prefix) {
			n++
			if strings.HasPrefix(k, rtPrefix) {
				nRt++
			}
		}
	}
	if maxRt > 0 && nRt >= maxRt {
		return errs.E(errs.QuotaExceeded, "agent runtime %s has %d active sessions, the limit per runtime (--max-sessions-per-runtime); stop sessions (StopRuntimeSession) or wait for idle ones to end", runtimeID, nRt)
	}
	if maxAcct > 0 && n >= maxAcct {
		return errs.E(errs.QuotaExceeded, "account %s has %d active sessions, the limit per account (--max-sessions-per-account); stop sessions (StopRuntimeSession) or wait for idle ones to end", acct, n)
	}
	return nil
}
