package identity

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// Workload is a workload identity.
type Workload struct {
	Name       string    `json:"name"`
	ARN        string    `json:"workloadIdentityArn"`
	ReturnURLs []string  `json:"allowedResourceOauth2ReturnUrls,omitempty"`
	Created    time.Time `json:"createdTime"`
	Updated    time.Time `json:"lastUpdatedTime"`
}

var workloadNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)

// WorkloadARN is the ARN of a workload identity.
func WorkloadARN(region, account, name string) string {
	return "arn:aws:bedrock-agentcore:" + region + ":" + account + ":workload-identity-directory/default/workload-identity/" + name
}

func checkWorkloadName(field, name string) error {
	if !workloadNameRE.MatchString(name) {
		return errs.Field(field, "%s must be 3-255 characters of letters, digits, '_', '.', '-'", field)
	}
	return nil
}

func checkReturnURLs(urls []string) error {
	if len(urls) > 100 {
		return errs.Field("allowedResourceOauth2ReturnUrls", "at most 100 return URLs are allowed")
	}
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || len(u) > 2048 {
			return errs.Field("allowedResourceOauth2ReturnUrls", "return URL %q must be an absolute http(s) URL", u)
		}
	}
	return nil
}

// CreateWorkload creates a workload identity with its tags.
func (s *Service) CreateWorkload(ctx context.Context, name string, returnURLs []string, tags map[string]string) (*Workload, error) {
	if err := checkWorkloadName("name", name); err != nil {
		return nil, err
	}
	return s.createWorkload(ctx, name, returnURLs, tags)
}

func (s *Service) createWorkload(ctx context.Context, name string, returnURLs []string, tags map[string]string) (*Workload, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkReturnURLs(returnURLs); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	w := &Workload{Name: name, ARN: WorkloadARN(t.Region, t.Account, name), ReturnURLs: returnURLs, Created: now, Updated: now}
	if err := s.kv.Txn(ctx, append([]store.Op{createOp(tblWorkload, t.Account+"/"+name, w)}, tagging.PutOps(w.ARN, tags)...)...); err != nil {
		if errs.KindOf(err) == errs.Conflict {
			return nil, errs.E(errs.Conflict, "workload identity %s already exists", name)
		}
		return nil, err
	}
	return w, nil
}

// EnsureWorkload creates the workload identity of a runtime unless it
// exists. Runtime names (1-48 characters) may be shorter than the 3
// characters API-created workload names need.
func (s *Service) EnsureWorkload(ctx context.Context, name string) (*Workload, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if w, _, err := getJSON[Workload](ctx, s.kv, tblWorkload, t.Account+"/"+name, errs.ErrNotFound); err == nil {
		return w, nil
	}
	w, err := s.createWorkload(ctx, name, nil, nil)
	if errs.KindOf(err) == errs.Conflict {
		w, _, err = getJSON[Workload](ctx, s.kv, tblWorkload, t.Account+"/"+name, errs.ErrNotFound)
	}
	return w, err
}

// GetWorkload reads a workload identity.
func (s *Service) GetWorkload(ctx context.Context, name string) (*Workload, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkWorkloadName("name", name); err != nil {
		return nil, err
	}
	w, _, err := getJSON[Workload](ctx, s.kv, tblWorkload, t.Account+"/"+name, notFound("workload identity", name))
	return w, err
}

// UpdateWorkload replaces the allowed return URLs.
func (s *Service) UpdateWorkload(ctx context.Context, name string, returnURLs []string) (*Workload, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkReturnURLs(returnURLs); err != nil {
		return nil, err
	}
	if err := checkWorkloadName("name", name); err != nil {
		return nil, err
	}
	var w *Workload
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if w, rev, err = getJSON[Workload](ctx, s.kv, tblWorkload, t.Account+"/"+name, notFound("workload identity", name)); err != nil {
			return err
		}
		w.ReturnURLs, w.Updated = returnURLs, s.now().UTC()
		return s.kv.Txn(ctx, updateOp(tblWorkload, t.Account+"/"+name, rev, w))
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// DeleteWorkload deletes a workload identity.
func (s *Service) DeleteWorkload(ctx context.Context, name string) error {
	t, err := tenantOf(ctx)
	if err != nil {
		return err
	}
	w, err := s.GetWorkload(ctx, name)
	if err != nil {
		return err
	}
	s.ensured.Delete(t.Account + "/" + name)
	return s.kv.Txn(ctx, deleteOp(tblWorkload, t.Account+"/"+name), tagging.DeleteOp(w.ARN))
}

// ListWorkloads pages through the account's workload identities.
func (s *Service) ListWorkloads(ctx context.Context, p Page) ([]*Workload, string, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, "", err
	}
	return list[Workload](ctx, s.kv, tblWorkload, t.Account+"/", p)
}

// Exists reports whether an ARN names a live workload identity or OAuth2 or
// API-key credential provider (for tagging).
func (s *Service) Exists(ctx context.Context, arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return false
	}
	tbl, name := "", ""
	switch parts[2] {
	case "bedrock-agentcore":
		tbl = tblWorkload
		name, _ = strings.CutPrefix(parts[5], "workload-identity-directory/default/workload-identity/")
	case "acps": // ProviderARN
		if n, ok := strings.CutPrefix(parts[5], "token-vault/default/oauth2credentialprovider/"); ok {
			tbl, name = tblOAuth2, n
		} else if n, ok := strings.CutPrefix(parts[5], "token-vault/default/apikeycredentialprovider/"); ok {
			tbl, name = tblAPIKey, n
		}
	}
	if tbl == "" || name == "" || name == parts[5] || strings.Contains(name, "/") {
		return false
	}
	_, err := s.kv.Get(ctx, tbl, parts[4]+"/"+name)
	return err == nil
}
