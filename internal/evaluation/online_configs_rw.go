package evaluation

import (
	"context"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

func (s *Online) configRev(ctx context.Context, acct, id string) (*OnlineConfig, int64, error) {
	if !onlineIDRE.MatchString(id) {
		return nil, 0, errs.Field("onlineEvaluationConfigId", "%q is not an online evaluation config id (NAME-XXXXXXXXXX)", id)
	}
	c, rev, err := store.GetJSON[OnlineConfig](ctx, s.kv, tblOnline, acct+"/"+id)
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "online evaluation config %s not found", id)
	}
	return c, rev, err
}

// GetConfig returns a config of the caller's account.
func (s *Online) GetConfig(ctx context.Context, id string) (*OnlineConfig, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	c, _, err := s.configRev(ctx, t.Account, id)
	return c, err
}

// UpdateConfig changes the given members with a revision-checked write.
func (s *Online) UpdateConfig(ctx context.Context, id string, in OnlineInput) (*OnlineConfig, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	var c *OnlineConfig
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if c, rev, err = s.configRev(ctx, t.Account, id); err != nil {
			return err
		}
		if err := s.apply(ctx, c, in); err != nil {
			return err
		}
		c.UpdatedAt = s.o.Now().UTC()
		return s.kv.Txn(ctx, store.UpdateJSON(tblOnline, t.Account+"/"+id, rev, c))
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("online evaluation config updated", "id", id, "execution", c.ExecutionStatus)
	return c, nil
}

// DeleteConfig removes a config (answered DELETING; it is gone at once):
// the runner stops evaluating for it; results already written stay.
func (s *Online) DeleteConfig(ctx context.Context, id string) (*OnlineConfig, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	var c *OnlineConfig
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if c, rev, err = s.configRev(ctx, t.Account, id); err != nil {
			return err
		}
		return s.kv.Txn(ctx, store.DeleteAt(tblOnline, t.Account+"/"+id, rev),
			store.DeleteAny(tblOnlineName, t.Account+"/"+c.Name), tagging.DeleteOp(c.ARN))
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("online evaluation config deleted", "id", id)
	c.Status, c.UpdatedAt = OnlineDeleting, s.o.Now().UTC()
	return c, nil
}

// ListConfigs pages through the account's configs (maxResults 1..100,
// default 100).
func (s *Online) ListConfigs(ctx context.Context, maxResults int, token string) ([]*OnlineConfig, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	switch {
	case maxResults == 0:
		maxResults = 100
	case maxResults < 1 || maxResults > 100:
		return nil, "", errs.Field("maxResults", "maxResults must be from 1 to 100 (got %d)", maxResults)
	}
	return store.ListJSON[OnlineConfig](ctx, s.kv, tblOnline, t.Account+"/", token, maxResults)
}

// Exists reports whether an ARN names a config of the caller (tagging).
func (s *Online) Exists(ctx context.Context, arn string) bool {
	i := strings.Index(arn, ":online-evaluation-config/")
	if i < 0 {
		return false
	}
	t, err := tenant.From(ctx)
	if err != nil {
		return false
	}
	c, _, err := s.configRev(ctx, t.Account, arn[i+len(":online-evaluation-config/"):])
	return err == nil && c.ARN == arn
}
