package browser

import (
	"context"
	"encoding/json"
	"github.com/agentcore-dev/agentcore/internal/toolsession"
	"regexp"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

var profileIDRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10}$`)

// maxStateBytes bounds a saved profile's state (cookies and localStorage).
const maxStateBytes = 16 << 20

// CreateProfile makes an empty browser profile (READY) with its tags.
func (s *Service) CreateProfile(ctx context.Context, in CreateProfileInput) (*Profile, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if !nameRE.MatchString(in.Name) {
		return nil, errs.Field("name", "name %q must match [a-zA-Z][a-zA-Z0-9_]{0,47}", in.Name)
	}
	if len(in.Description) > 4096 {
		return nil, errs.Field("description", "description is at most 4096 characters")
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	now := s.o.Now().UTC()
	id := in.Name + "-" + randomID(10, alnum)
	p := &Profile{ID: id, Name: in.Name, ARN: ProfileARN(t.Region, t.Account, id), Description: in.Description,
		Status: ProfileReady, CreatedAt: now, UpdatedAt: now}
	err = s.kv.Txn(ctx, append([]store.Op{
		store.CreateJSON(tblProfileName, acctKey(t.Account, in.Name), id),
		store.CreateJSON(tblProfile, acctKey(t.Account, id), p)},
		tagging.PutOps(p.ARN, in.Tags)...)...)
	if errs.KindOf(err) == errs.Conflict {
		return nil, errs.E(errs.Conflict, "a browser profile named %s already exists", in.Name)
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("browser profile created", "id", id)
	return p, nil
}

// profileID accepts a profile id or its ARN (of the caller's account).
func profileID(t tenant.Tenant, id string) (string, error) {
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 6)
		if len(parts) == 6 && parts[4] != t.Account {
			return "", errs.E(errs.NotFound, "browser profile %s not found", id)
		}
		if len(parts) == 6 {
			_, id, _ = strings.Cut(parts[5], "/")
		}
	}
	if !profileIDRE.MatchString(id) {
		return "", errs.Field("profileId", "%q is not a browser profile id (NAME-XXXXXXXXXX)", id)
	}
	return id, nil
}

// GetProfile returns a browser profile by id (or ARN).
func (s *Service) GetProfile(ctx context.Context, id string) (*Profile, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = profileID(t, id); err != nil {
		return nil, err
	}
	p, _, err := s.profileRev(ctx, t.Account, id)
	return p, err
}

// DeleteProfile removes a profile and its saved state (answered DELETING;
// it is gone at once).
func (s *Service) DeleteProfile(ctx context.Context, id string) (*Profile, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = profileID(t, id); err != nil {
		return nil, err
	}
	var p *Profile
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if p, rev, err = s.profileRev(ctx, t.Account, id); err != nil {
			return err
		}
		return s.kv.Txn(ctx, store.DeleteAt(tblProfile, acctKey(t.Account, id), rev),
			store.DeleteAny(tblProfileName, acctKey(t.Account, p.Name)), store.DeleteAny(tblProfileState, acctKey(t.Account, id)),
			tagging.DeleteOp(p.ARN))
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("browser profile deleted", "id", id)
	p.Status, p.UpdatedAt = ProfileDeleting, s.o.Now().UTC()
	return p, nil
}

// ListProfiles pages through the account's profiles; name "" lists all,
// else only the profile of that name.
func (s *Service) ListProfiles(ctx context.Context, name string, p Page) ([]*Profile, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	limit, err := toolsession.PageSize(p.MaxResults)
	if err != nil {
		return nil, "", err
	}
	if name != "" {
		if !nameRE.MatchString(name) {
			return nil, "", errs.Field("name", "name %q must match [a-zA-Z][a-zA-Z0-9_]{0,47}", name)
		}
		id, _, err := store.GetJSON[string](ctx, s.kv, tblProfileName, acctKey(t.Account, name))
		if errs.KindOf(err) == errs.NotFound {
			return []*Profile{}, "", nil
		}
		if err != nil {
			return nil, "", err
		}
		pr, _, err := s.profileRev(ctx, t.Account, *id)
		if errs.KindOf(err) == errs.NotFound {
			return []*Profile{}, "", nil
		}
		return []*Profile{pr}, "", err
	}
	return store.ListJSON[Profile](ctx, s.kv, tblProfile, t.Account+"/", p.NextToken, limit)
}

// SaveProfile stores a running session's cookies and localStorage as the
// profile's saved state (replacing the previous one).
func (s *Service) SaveProfile(ctx context.Context, profile, browserID, sessionID string) (*Profile, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	pid, err := profileID(t, profile)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.profileRev(ctx, t.Account, pid); err != nil {
		return nil, err
	}
	l, err := s.lease(ctx, browserID, sessionID)
	if err != nil {
		return nil, err
	}
	defer l.release()
	st, err := s.o.CDP.SaveState(ctx, l.lease.Conn)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, "reading the session's cookies and storage failed")
	}
	if st.Cookies == nil {
		st.Cookies = []json.RawMessage{}
	}
	var out *Profile
	err = store.Retry(ctx, func() error {
		p, rev, err := s.profileRev(ctx, t.Account, pid)
		if err != nil {
			return err
		}
		now := s.o.Now().UTC()
		p.LastSavedAt, p.LastSavedBrowserID, p.LastSavedSessionID, p.UpdatedAt = &now, l.browser.ID, l.sess.ID, now
		out = p
		op := store.PutJSON(tblProfileState, acctKey(t.Account, pid), st)
		if len(op.Value) > maxStateBytes {
			return errs.E(errs.QuotaExceeded, "the session's cookies and storage (%d bytes) exceed the profile limit of %d bytes", len(op.Value), maxStateBytes)
		}
		return s.kv.Txn(ctx, store.UpdateJSON(tblProfile, acctKey(t.Account, pid), rev, p), op)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("browser profile saved", "profile", pid, "browser", l.browser.ID, "session", l.sess.ID, "cookies", len(st.Cookies))
	return out, nil
}

// profileState returns a profile's saved state (nil when never saved).
func (s *Service) profileState(ctx context.Context, acct, id string) (*ProfileState, error) {
	st, _, err := store.GetJSON[ProfileState](ctx, s.kv, tblProfileState, acctKey(acct, id))
	if errs.KindOf(err) == errs.NotFound {
		return nil, nil
	}
	return st, err
}
