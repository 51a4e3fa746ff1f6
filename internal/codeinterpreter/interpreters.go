package codeinterpreter

import (
	"context"
	"encoding/base64"
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
	nameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	idRE   = regexp.MustCompile(`^(aws\.codeinterpreter\.v1|[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10})$`)
	roleRE = regexp.MustCompile(`^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+$`)
)

// builtinCreated is the creation time the built-in interpreter reports.
var builtinCreated = time.Date(2025, 7, 16, 0, 0, 0, 0, time.UTC)

// builtin is the AWS-managed interpreter as seen from a region.
func builtin(region string) *Interpreter {
	return &Interpreter{ID: BuiltinID, Name: BuiltinID, ARN: BuiltinARN(region), NetworkMode: NetworkSandbox,
		Description: "AWS managed code interpreter (Python, JavaScript, TypeScript; no network access)",
		Status:      StatusReady, CreatedAt: builtinCreated, UpdatedAt: builtinCreated, Builtin: true}
}

// Create makes a custom interpreter (READY at once: nothing is built per
// interpreter) with its tags in the same transaction.
func (s *Service) Create(ctx context.Context, in CreateInput) (*Interpreter, error) {
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
		return nil, errs.Field("networkConfiguration.networkMode", "networkMode VPC is not supported by this server; use SANDBOX or PUBLIC")
	case in.NetworkMode != NetworkSandbox && in.NetworkMode != NetworkPublic:
		return nil, errs.Field("networkConfiguration.networkMode", "networkMode must be SANDBOX or PUBLIC (got %q)", in.NetworkMode)
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	if _, err := toolfs.Parse(in.FilesystemConfigurations, nil, s.o.Filesystems); err != nil {
		return nil, err
	}
	now := s.o.Now().UTC()
	id := in.Name + "-" + randomID(10, alnum)
	it := &Interpreter{ID: id, Name: in.Name, ARN: CustomARN(t.Region, t.Account, id), Description: in.Description,
		ExecutionRoleArn: in.ExecutionRoleArn, NetworkMode: in.NetworkMode, Certificates: in.Certificates,
		FilesystemConfigurations: in.FilesystemConfigurations, Status: StatusReady, CreatedAt: now, UpdatedAt: now}
	err = s.kv.Txn(ctx, append([]store.Op{
		store.CreateJSON(tblName, nameKey(t.Account, in.Name), id),
		store.CreateJSON(tblInterpreter, interpKey(t.Account, id), it)},
		tagging.PutOps(it.ARN, in.Tags)...)...)
	if errs.KindOf(err) == errs.Conflict {
		return nil, errs.E(errs.Conflict, "a code interpreter named %s already exists", in.Name)
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("code interpreter created", "id", id, "network", in.NetworkMode)
	return it, nil
}

// Get returns an interpreter by id (or ARN); the built-in always exists.
func (s *Service) Get(ctx context.Context, id string) (*Interpreter, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = s.parseID(t, id); err != nil {
		return nil, err
	}
	if id == BuiltinID {
		return builtin(t.Region), nil
	}
	it, _, err := s.interpreterRev(ctx, t.Account, id)
	return it, err
}

// parseID accepts an interpreter id or its ARN (of the caller's account).
func (s *Service) parseID(t tenant.Tenant, id string) (string, error) {
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 6)
		if len(parts) == 6 && (parts[4] == t.Account || parts[4] == "aws") {
			if _, rest, ok := strings.Cut(parts[5], "/"); ok {
				id = rest
			}
		} else if len(parts) == 6 {
			return "", errs.E(errs.NotFound, "code interpreter %s not found", id)
		}
	}
	if !idRE.MatchString(id) {
		return "", errs.Field("codeInterpreterId", "%q is not a code interpreter id (NAME-XXXXXXXXXX or aws.codeinterpreter.v1)", id)
	}
	return id, nil
}

// Delete removes a custom interpreter (answered DELETING; it is gone at
// once) and ends its sessions. The built-in cannot be deleted.
func (s *Service) Delete(ctx context.Context, id string) (*Interpreter, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if id, err = s.parseID(t, id); err != nil {
		return nil, err
	}
	if id == BuiltinID {
		return nil, errs.Field("codeInterpreterId", "the AWS-managed code interpreter %s cannot be deleted", BuiltinID)
	}
	var it *Interpreter
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if it, rev, err = s.interpreterRev(ctx, t.Account, id); err != nil {
			return err
		}
		return s.kv.Txn(ctx, store.DeleteAt(tblInterpreter, interpKey(t.Account, id), rev),
			store.DeleteAny(tblName, nameKey(t.Account, it.Name)), tagging.DeleteOp(it.ARN))
	})
	if err != nil {
		return nil, err
	}
	s.stopAll(ctx, t.Account, id)
	s.log.Info("code interpreter deleted", "id", id)
	it.Status, it.UpdatedAt = StatusDeleting, s.o.Now().UTC()
	return it, nil
}

// List pages through the account's interpreters; the built-in comes first
// (type SYSTEM), custom ones after (type CUSTOM). typ "" lists both.
func (s *Service) List(ctx context.Context, typ string, p Page) ([]*Interpreter, string, error) {
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
	var out []*Interpreter
	token := p.NextToken
	if typ != TypeCustom && token == "" {
		out = append(out, builtin(t.Region))
		limit--
	}
	if typ == TypeSystem {
		return out, "", nil
	}
	if limit == 0 { // the page holds the built-in only: custom ones follow
		if more, _ := s.kv.List(ctx, tblInterpreter, t.Account+"/", "", 1); len(more) > 0 {
			return out, firstPageToken(t.Account + "/"), nil
		}
		return out, "", nil
	}
	items, next, err := store.ListJSON[Interpreter](ctx, s.kv, tblInterpreter, t.Account+"/", token, limit)
	if err != nil {
		return nil, "", err
	}
	return append(out, items...), next, nil
}

// firstPageToken is the store.ListPage token of a page that starts at the
// first key under prefix.
func firstPageToken(prefix string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(prefix))
}
