package browser

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"github.com/agentcore-dev/agentcore/internal/toolsession"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Tables in the key-value store.
const (
	tblBrowser      = "browser"               // acct/id -> Browser
	tblName         = "browser_name"          // acct/name -> id
	tblProfile      = "browser_profile"       // acct/id -> Profile
	tblProfileName  = "browser_profile_name"  // acct/name -> id
	tblProfileState = "browser_profile_state" // acct/id -> ProfileState
	tblSession      = "browser_session"       // acct/browserId/sessionId -> Session
)

func acctKey(acct, id string) string              { return acct + "/" + id }
func sessionKey(acct, browser, sid string) string { return toolsession.Key(acct, browser, sid) }

func (s *Service) browserRev(ctx context.Context, acct, id string) (*Browser, int64, error) {
	b, rev, err := store.GetJSON[Browser](ctx, s.kv, tblBrowser, acctKey(acct, id))
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "browser %s not found", id)
	}
	return b, rev, err
}

func (s *Service) profileRev(ctx context.Context, acct, id string) (*Profile, int64, error) {
	p, rev, err := store.GetJSON[Profile](ctx, s.kv, tblProfile, acctKey(acct, id))
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "browser profile %s not found", id)
	}
	return p, rev, err
}

func (s *Service) sessionRev(ctx context.Context, acct, browser, sid string) (*Session, int64, error) {
	v, rev, err := store.GetJSON[Session](ctx, s.kv, tblSession, sessionKey(acct, browser, sid))
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "session %s of browser %s not found", sid, browser)
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

// CustomARN is the ARN of a custom browser.
func CustomARN(region, acct, id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:browser-custom/%s", region, acct, id)
}

// BuiltinARN is the ARN of the built-in browser in a region.
func BuiltinARN(region string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:aws:browser/%s", region, BuiltinID)
}

// ProfileARN is the ARN of a browser profile.
func ProfileARN(region, acct, id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:browser-profile/%s", region, acct, id)
}

// firstPageToken is the store.ListPage token of a page that starts at the
// first key under prefix.
func firstPageToken(prefix string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(prefix))
}
