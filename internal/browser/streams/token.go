package streams

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Token purposes: what a page served to a person may open with it.
const (
	purposeLive   = "live-view"
	purposeReplay = "replay"
)

// Token lifetimes: the live view's page opens its WebSocket at once (and
// reconnects with the same token); a replay fetches frames as it plays.
const (
	liveTokenTTL   = 15 * time.Minute
	replayTokenTTL = time.Hour
)

// claims are what a token binds: one purpose on one session of one
// account, until Exp.
type claims struct {
	Purpose string `json:"p"`
	Account string `json:"a"`
	Region  string `json:"r"`
	Browser string `json:"b"`
	Session string `json:"s"`
	Exp     int64  `json:"e"`
}

var b64 = base64.RawURLEncoding

// mint returns a token for purpose on the session, for the tenant of the
// request that served the page.
func (h *Handler) mint(t tenant.Tenant, purpose, browserID, sessionID string, ttl time.Duration) string {
	c := claims{Purpose: purpose, Account: t.Account, Region: t.Region, Browser: browserID, Session: sessionID,
		Exp: h.now().Add(ttl).Unix()}
	payload, _ := json.Marshal(c) //nolint:errchkjson // plain strings and an int
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(h.sign(payload))
}

func (h *Handler) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, h.key)
	m.Write(payload)
	return m.Sum(nil)
}

// verify checks tok for purpose on the session and returns its tenant.
// Failures are AccessDenied without saying which check failed.
func (h *Handler) verify(tok, purpose, browserID, sessionID string) (tenant.Tenant, error) {
	denied := errs.E(errs.AccessDenied, "the %s token is missing, invalid or expired; open the page again", purpose)
	p, sig, ok := strings.Cut(tok, ".")
	if !ok {
		return tenant.Tenant{}, denied
	}
	payload, err1 := b64.DecodeString(p)
	mac, err2 := b64.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, h.sign(payload)) {
		return tenant.Tenant{}, denied
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return tenant.Tenant{}, denied
	}
	if c.Purpose != purpose || c.Browser != browserID || c.Session != sessionID || c.Account == "" ||
		h.now().Unix() > c.Exp {
		return tenant.Tenant{}, denied
	}
	return tenant.Tenant{Account: c.Account, Region: c.Region}, nil
}
