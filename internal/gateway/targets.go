package gateway

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

const upperIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// maxSchemaBytes bounds a schema document read from the artifact store.
const maxSchemaBytes = 10 << 20

// CreateTarget adds a target and derives its tools. Invalid schemas are a
// ValidationException; an MCP server that cannot be reached leaves the
// target FAILED with the reason (its tools appear after a successful
// SynchronizeGatewayTargets).
func (s *Service) CreateTarget(ctx context.Context, gwID string, in TargetInput) (*Gateway, *Target, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := ValidateGatewayID(gwID); err != nil {
		return nil, nil, err
	}
	if err := validateTargetInput(&in); err != nil {
		return nil, nil, err
	}
	var g *Gateway
	var tg *Target
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		g, rev, err = s.repo.gatewayRev(ctx, t.Account, gwID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		tg = &Target{ID: randID(10, upperIDChars), GatewayID: gwID, CreatedAt: now}
		applyTarget(tg, &in)
		if err := s.derive(ctx, g, tg); err != nil {
			return err
		}
		tg.UpdatedAt = now
		// The gateway, rewritten unchanged at the revision read, fences the
		// target against a concurrent gateway delete.
		err = s.repo.kv.Txn(ctx, updateOp(tblGateway, gwKey(t.Account, gwID), rev, g),
			createOp(tblTarget, targetKey(t.Account, gwID, tg.ID), tg), createOp(tblTargetName, targetNameKey(t.Account, gwID, tg.Name), tg.ID))
		if errs.KindOf(err) == errs.Conflict && s.repo.nameTaken(ctx, tblTargetName, targetNameKey(t.Account, gwID, tg.Name), tg.ID) {
			return errs.E(errs.Conflict, "gateway %s already has a target named %s", gwID, tg.Name)
		}
		if errs.KindOf(err) == errs.NotFound {
			return errs.E(errs.NotFound, "gateway %s not found", gwID)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	s.cat.invalidate(t.Account, gwID)
	s.log.Info("gateway target created", "gateway", gwID, "target", tg.ID, "kind", tg.Kind(), "tools", len(tg.Tools), "status", tg.Status)
	return g, tg, nil
}

func applyTarget(tg *Target, in *TargetInput) {
	tg.Name, tg.Description = in.Name, in.Description
	tg.TargetConfiguration = *in.TargetConfiguration
	tg.CredentialProviderConfigurations = in.CredentialProviderConfigurations
	if tg.CredentialProviderConfigurations == nil {
		tg.CredentialProviderConfigurations = []CredentialProviderConfiguration{}
	}
	tg.MetadataConfiguration = in.MetadataConfiguration
}

// derive fills tg.Tools and tg.Status from its backend.
func (s *Service) derive(ctx context.Context, g *Gateway, tg *Target) error {
	kind := tg.Kind()
	b := s.o.Backends[kind]
	if b == nil {
		return errs.E(errs.Invalid, "%s targets are not supported by this server", kind)
	}
	doc, err := s.schemaDoc(ctx, tg)
	if err != nil {
		return err
	}
	var auth *Auth
	if kind == KindMCPServer {
		if auth, err = s.outbound(ctx, tg); err != nil {
			tg.Status, tg.StatusReasons, tg.Tools = StatusFailed, []string{"fetching outbound credentials: " + err.Error()}, nil
			return nil
		}
	}
	dctx, cancel := context.WithTimeout(ctx, s.o.CallTimeout)
	defer cancel()
	tools, err := b.Tools(dctx, tg, doc, auth)
	if err == nil {
		err = validateTools(tg.Name, tools)
	}
	now := s.now().UTC()
	switch {
	case err != nil && kind == KindMCPServer && errs.KindOf(err) != errs.Invalid:
		tg.Status, tg.StatusReasons, tg.Tools = StatusFailed, []string{"listing the MCP server's tools: " + err.Error()}, nil
		s.log.Warn("gateway target not reachable", "gateway", g.ID, "target", tg.Name, "err", err)
		return nil
	case err != nil:
		if e, ok := errs.As(err); ok && e.Kind == errs.Invalid {
			return err
		}
		return errs.Wrap(errs.Invalid, err, "target %s", tg.Name)
	}
	tg.Tools, tg.Status, tg.StatusReasons, tg.LastSynchronizedAt = tools, StatusReady, nil, &now
	return nil
}

// schemaDoc resolves a schema-based target's document (inline or s3).
func (s *Service) schemaDoc(ctx context.Context, tg *Target) ([]byte, error) {
	m := tg.TargetConfiguration.MCP
	var src *SchemaSource
	switch {
	case m.OpenAPISchema != nil:
		src = m.OpenAPISchema
	case m.SmithyModel != nil:
		src = m.SmithyModel
	case m.Lambda != nil && m.Lambda.ToolSchema.S3 != nil:
		src = &SchemaSource{S3: m.Lambda.ToolSchema.S3}
	case m.Lambda != nil:
		b, _ := json.Marshal(m.Lambda.ToolSchema.InlinePayload)
		return b, nil
	default:
		return nil, nil
	}
	if src.InlinePayload != nil {
		return []byte(*src.InlinePayload), nil
	}
	return s.readS3(ctx, src.S3.URI)
}

func (s *Service) readS3(ctx context.Context, uri string) ([]byte, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "s3" || u.Host == "" || len(u.Path) < 2 {
		return nil, errs.Field("s3.uri", "s3 uri %q must look like s3://bucket/key", uri)
	}
	if s.o.Artifacts == nil {
		return nil, errs.E(errs.Invalid, "no artifact store is configured to read %s", uri)
	}
	rc, _, err := s.o.Artifacts.Open(ctx, u.Host, strings.TrimPrefix(u.Path, "/"))
	if errs.KindOf(err) == errs.NotFound {
		return nil, errs.Field("s3.uri", "schema object %s does not exist", uri)
	}
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxSchemaBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSchemaBytes {
		return nil, errs.Field("s3.uri", "schema object %s is larger than %d bytes", uri, maxSchemaBytes)
	}
	return b, nil
}

// GetTarget returns a target.
func (s *Service) GetTarget(ctx context.Context, gwID, id string) (*Gateway, *Target, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := ValidateGatewayID(gwID); err != nil {
		return nil, nil, err
	}
	if err := ValidateTargetID(id); err != nil {
		return nil, nil, err
	}
	g, err := s.repo.gateway(ctx, t.Account, gwID)
	if err != nil {
		return nil, nil, err
	}
	tg, err := s.repo.target(ctx, t.Account, gwID, id)
	return g, tg, err
}

// UpdateTarget replaces a target's configuration and re-derives its tools.
func (s *Service) UpdateTarget(ctx context.Context, gwID, id string, in TargetInput) (*Gateway, *Target, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, nil, err
	}
	var g *Gateway
	var tg Target
	err = store.Retry(ctx, func() error {
		var err error
		g, _, err = s.GetTarget(ctx, gwID, id)
		if err != nil {
			return err
		}
		old, rev, err := s.repo.targetRev(ctx, t.Account, gwID, id)
		if err != nil {
			return err
		}
		in := in
		if in.Name == "" {
			in.Name = old.Name
		}
		if err := validateTargetInput(&in); err != nil {
			return err
		}
		tg = *old
		applyTarget(&tg, &in)
		if err := s.derive(ctx, g, &tg); err != nil {
			return err
		}
		tg.UpdatedAt = s.now().UTC()
		ops := []store.Op{updateOp(tblTarget, targetKey(t.Account, gwID, id), rev, &tg)}
		if !strings.EqualFold(old.Name, tg.Name) {
			ops = append(ops, createOp(tblTargetName, targetNameKey(t.Account, gwID, tg.Name), id), deleteOp(tblTargetName, targetNameKey(t.Account, gwID, old.Name)))
		}
		err = s.repo.kv.Txn(ctx, ops...)
		if errs.KindOf(err) == errs.Conflict && s.repo.nameTaken(ctx, tblTargetName, targetNameKey(t.Account, gwID, tg.Name), id) {
			return errs.E(errs.Conflict, "gateway %s already has a target named %s", gwID, tg.Name)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	s.cat.invalidate(t.Account, gwID)
	return g, &tg, nil
}

// DeleteTarget removes a target.
func (s *Service) DeleteTarget(ctx context.Context, gwID, id string) (*Gateway, *Target, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, nil, err
	}
	g, tg, err := s.GetTarget(ctx, gwID, id)
	if err != nil {
		return nil, nil, err
	}
	if err := s.repo.kv.Txn(ctx, deleteOp(tblTarget, targetKey(t.Account, gwID, id)), deleteOp(tblTargetName, targetNameKey(t.Account, gwID, tg.Name))); err != nil {
		return nil, nil, err
	}
	s.cat.invalidate(t.Account, gwID)
	tg.Status = StatusDeleting
	return g, tg, nil
}

// ListTargets pages through a gateway's targets.
func (s *Service) ListTargets(ctx context.Context, gwID string, p Page) ([]*Target, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := ValidateGatewayID(gwID); err != nil {
		return nil, "", err
	}
	if _, err := s.repo.gateway(ctx, t.Account, gwID); err != nil {
		return nil, "", err
	}
	return list[Target](ctx, s.repo.kv, tblTarget, gwKey(t.Account, gwID)+"/", p)
}

// Synchronize re-lists the tools of the given targets (MCP servers pick up
// new tools; schema targets are re-read from their source).
func (s *Service) Synchronize(ctx context.Context, gwID string, ids []string) ([]*Target, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errs.Field("targetIdList", "targetIdList is required")
	}
	var out []*Target
	for _, id := range ids {
		var tg *Target
		err := store.Retry(ctx, func() error {
			g, _, err := s.GetTarget(ctx, gwID, id)
			if err != nil {
				return err
			}
			var rev int64
			if tg, rev, err = s.repo.targetRev(ctx, t.Account, gwID, id); err != nil {
				return err
			}
			if err := s.derive(ctx, g, tg); err != nil {
				return err
			}
			tg.UpdatedAt = s.now().UTC()
			return s.repo.kv.Txn(ctx, updateOp(tblTarget, targetKey(t.Account, gwID, id), rev, tg))
		})
		if err != nil {
			return nil, err
		}
		out = append(out, tg)
	}
	s.cat.invalidate(t.Account, gwID)
	return out, nil
}

// outbound resolves a target's outbound credential into headers/query.
func (s *Service) outbound(ctx context.Context, tg *Target) (*Auth, error) {
	if len(tg.CredentialProviderConfigurations) == 0 {
		return nil, nil
	}
	cp := tg.CredentialProviderConfigurations[0]
	if cp.CredentialProvider == nil {
		return nil, nil
	}
	switch {
	case cp.CredentialProvider.OAuth != nil:
		if s.o.Credentials == nil {
			return nil, errs.E(errs.Unavailable, "no credential provider service is configured")
		}
		o := cp.CredentialProvider.OAuth
		tok, err := s.o.Credentials.OAuth2Token(ctx, o.ProviderArn, o.Scopes)
		if err != nil {
			return nil, err
		}
		return &Auth{Headers: map[string]string{"Authorization": "Bearer " + tok}}, nil
	case cp.CredentialProvider.APIKey != nil:
		if s.o.Credentials == nil {
			return nil, errs.E(errs.Unavailable, "no credential provider service is configured")
		}
		k := cp.CredentialProvider.APIKey
		key, err := s.o.Credentials.APIKey(ctx, k.ProviderArn)
		if err != nil {
			return nil, err
		}
		name, prefix := k.CredentialParameterName, k.CredentialPrefix
		if k.CredentialLocation == "QUERY_PARAMETER" {
			if name == "" {
				name = "api_key"
			}
			return &Auth{Query: map[string]string{name: prefix + key}}, nil
		}
		if name == "" {
			name = "Authorization"
			if prefix == "" {
				prefix = "Bearer "
			}
		}
		return &Auth{Headers: map[string]string{name: prefix + key}}, nil
	}
	return nil, nil
}

var _ = time.Second
