package browser

import (
	"context"
	"github.com/agentcore-dev/agentcore/internal/toolsession"
	"regexp"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/agentcore-dev/agentcore/internal/toolfs"
)

var (
	nameRE   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	idRE     = regexp.MustCompile(`^(aws\.browser\.v1|[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10})$`)
	roleRE   = regexp.MustCompile(`^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+$`)
	bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// builtinCreated is the creation time the built-in browser reports.
var builtinCreated = time.Date(2025, 7, 16, 0, 0, 0, 0, time.UTC)

// builtin is the AWS-managed browser as seen from a region.
func builtin(region string) *Browser {
	return &Browser{ID: BuiltinID, Name: BuiltinID, ARN: BuiltinARN(region), NetworkMode: NetworkPublic,
		Description: "AWS managed browser (headless Chromium, public network)",
		Status:      StatusReady, CreatedAt: builtinCreated, UpdatedAt: builtinCreated, Builtin: true}
}

// Create makes a custom browser (READY at once: nothing is built per
// browser) with its tags in the same transaction.
func (s *Service) Create(ctx context.Context, in CreateInput) (*Browser, error) {
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
	if in.ExecutionRoleArn != "" && (len(in.ExecutionRoleArn) > 2048 || !roleRE.MatchString(in.ExecutionRoleArn)) {
		return nil, errs.Field("executionRoleArn", "executionRoleArn %q must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", in.ExecutionRoleArn)
	}
	switch {
	case in.NetworkMode == NetworkVPC || in.VPC:
		return nil, errs.Field("networkConfiguration.networkMode", "networkMode VPC is not supported by this server; use PUBLIC")
	case in.NetworkMode != NetworkPublic:
		return nil, errs.Field("networkConfiguration.networkMode", "networkMode must be PUBLIC or VPC (got %q)", in.NetworkMode)
	}
	if r := in.Recording; r != nil {
		if r.Enabled && r.Bucket == "" {
			return nil, errs.Field("recording.s3Location", "recording.s3Location is required when recording is enabled")
		}
		if r.Bucket != "" && !bucketRE.MatchString(r.Bucket) {
			return nil, errs.Field("recording.s3Location.bucket", "bucket %q is not a valid bucket name", r.Bucket)
		}
		if len(r.Prefix) > 1024 {
			return nil, errs.Field("recording.s3Location.prefix", "prefix is at most 1024 characters")
		}
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	if _, err := toolfs.Parse(in.FilesystemConfigurations, nil, s.o.Filesystems); err != nil {
		return nil, err
	}
	now := s.o.Now().UTC()
	id := in.Name + "-" + randomID(10, alnum)
	b := &Browser{ID: id, Name: in.Name, ARN: CustomARN(t.Region, t.Account, id), Description: in.Description,
		ExecutionRoleArn: in.ExecutionRoleArn, NetworkMode: in.NetworkMode, Recording: in.Recording, Signing: in.Signing,
		Certificates: in.Certificates, EnterprisePolicies: in.EnterprisePolicies, FilesystemConfigurations: in.FilesystemConfigurations,
		Status: StatusReady, CreatedAt: now, UpdatedAt: now}
	err = s.kv.Txn(ctx, append([]store.Op{
		store.CreateJSON(tblName, acctKey(t.Account, in.Name), id),
		store.CreateJSON(tblBrowser, acctKey(t.Account, id), b)},
		tagging.PutOps(b.ARN, in.Tags)...)...)
	if errs.KindOf(err) == errs.Conflict {
		return nil, errs.E(errs.Conflict, "a browser named %s already exists", in.Name)
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("browser created", "id", id, "recording", in.Recording != nil && in.Recording.Enabled)
	return b, nil
}

// Get returns a browser by id (or ARN); the built-in always exists.
func (s *Service) Get(ctx context.Context, id string) (*Browser, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = parseID(t, id); err != nil {
		return nil, err
	}
	if id == BuiltinID {
		return builtin(t.Region), nil
	}
	b, _, err := s.browserRev(ctx, t.Account, id)
	return b, err
}

// parseID accepts a browser id or its ARN (of the caller's account).
func parseID(t tenant.Tenant, id string) (string, error) {
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 6)
		if len(parts) == 6 && (parts[4] == t.Account || parts[4] == "aws") {
			if _, rest, ok := strings.Cut(parts[5], "/"); ok {
				id = rest
			}
		} else if len(parts) == 6 {
			return "", errs.E(errs.NotFound, "browser %s not found", id)
		}
	}
	if !idRE.MatchString(id) {
		return "", errs.Field("browserId", "%q is not a browser id (NAME-XXXXXXXXXX or aws.browser.v1)", id)
	}
	return id, nil
}

// Delete removes a custom browser (answered DELETING; it is gone at once)
// and ends its sessions. The built-in cannot be deleted.
func (s *Service) Delete(ctx context.Context, id string) (*Browser, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = parseID(t, id); err != nil {
		return nil, err
	}
	if id == BuiltinID {
		return nil, errs.Field("browserId", "the AWS-managed browser %s cannot be deleted", BuiltinID)
	}
	var b *Browser
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if b, rev, err = s.browserRev(ctx, t.Account, id); err != nil {
			return err
		}
		return s.kv.Txn(ctx, store.DeleteAt(tblBrowser, acctKey(t.Account, id), rev),
			store.DeleteAny(tblName, acctKey(t.Account, b.Name)), tagging.DeleteOp(b.ARN))
	})
	if err != nil {
		return nil, err
	}
	s.stopAll(ctx, t.Account, id)
	s.log.Info("browser deleted", "id", id)
	b.Status, b.UpdatedAt = StatusDeleting, s.o.Now().UTC()
	return b, nil
}

// List pages through the account's browsers; the built-in comes first
// (type SYSTEM), custom ones after (type CUSTOM). typ "" lists both.
func (s *Service) List(ctx context.Context, typ string, p Page) ([]*Browser, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if typ != "" && typ != TypeSystem && typ != TypeCustom {
		return nil, "", errs.Field("type", "type must be SYSTEM or CUSTOM (got %q)", typ)
	}
	limit, err := toolsession.PageSize(p.MaxResults)
	if err != nil {
		return nil, "", err
	}
	var out []*Browser
	token := p.NextToken
	if typ != TypeCustom && token == "" {
		out = append(out, builtin(t.Region))
		limit--
	}
	if typ == TypeSystem {
		return out, "", nil
	}
	if limit == 0 { // the page holds the built-in only: custom ones follow
		if more, _ := s.kv.List(ctx, tblBrowser, t.Account+"/", "", 1); len(more) > 0 {
			return out, firstPageToken(t.Account + "/"), nil
		}
		return out, "", nil
	}
	items, next, err := store.ListJSON[Browser](ctx, s.kv, tblBrowser, t.Account+"/", token, limit)
	if err != nil {
		return nil, "", err
	}
	return append(out, items...), next, nil
}
