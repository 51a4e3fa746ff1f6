package gateway

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Options configure the service. Only KV is required; a missing backend,
// validator or credential source makes the features that need it fail with
// a clear error.
type Options struct {
	KV        store.KV
	Artifacts artifact.Store
	// Backends by target kind (KindOpenAPI, KindSmithy, KindMCPServer).
	// Lambda targets use Invoker.
	Backends    map[string]Backend
	Invoker     Invoker
	Tokens      TokenValidator
	Credentials Credentials
	Authorizer  Authorizer
	Embedder    Embedder
	// BaseURL is where the data plane is served (http://host:port); the
	// gateway URL is BaseURL/gateways/{id}/mcp.
	BaseURL string
	// CallTimeout bounds one backend call (default 30 s).
	CallTimeout time.Duration
	Logger      *slog.Logger
	// OnDelete is called after a gateway is deleted (e.g. to drop its tags).
	OnDelete func(ctx context.Context, arn string)
	// EngineExists checks policyEngineConfiguration.arn (nil: not checked).
	EngineExists func(ctx context.Context, arn string) bool
}

// Service implements the gateway control plane and tool dispatch.
type Service struct {
	o    Options
	repo repo
	log  *slog.Logger
	now  func() time.Time
	cat  catalogues
	rec  *recorder
}

// New returns the service.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.CallTimeout == 0 {
		o.CallTimeout = 30 * time.Second
	}
	if o.Backends == nil {
		o.Backends = map[string]Backend{}
	}
	s := &Service{o: o, repo: repo{o.KV}, log: o.Logger.With("component", "gateway"), now: time.Now, rec: newRecorder(1000)}
	s.o.Backends[KindLambda] = lambdaBackend{s}
	s.cat.m = map[catKey]*catalogue{}
	if n, ok := o.KV.(store.Notifier); ok {
		// Writes by any server (replicas on one database) drop cached
		// catalogues at once; the periodic fingerprint check stays as the
		// backstop.
		n.Watch(context.Background(), tblGateway, s.cat.invalidateKey)
		n.Watch(context.Background(), tblTarget, s.cat.invalidateKey)
	}
	return s
}

// SetBaseURL sets the data-plane base URL once the listener is known.
func (s *Service) SetBaseURL(u string) { s.o.BaseURL = strings.TrimRight(u, "/") }

// URL is a gateway's MCP endpoint.
func (s *Service) URL(id string) string { return s.o.BaseURL + "/gateways/" + id + "/mcp" }

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

func randID(n int, chars string) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // never fails
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b)
}

func gatewayID(name string) string {
	base := strings.ToLower(name)
	if len(base) > 48 {
		base = strings.TrimRight(base[:48], "-")
	}
	return base + "-" + randID(10, idChars)
}

// ARN is a gateway's ARN.
func ARN(t tenant.Tenant, id string) string {
	return "arn:aws:bedrock-agentcore:" + t.Region + ":" + t.Account + ":gateway/" + id
}

// Create stores a new gateway (READY at once) with its tags.
func (s *Service) Create(ctx context.Context, c Config, tags map[string]string) (*Gateway, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.validate(ctx, &c); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	id := gatewayID(c.Name)
	g := &Gateway{ID: id, ARN: ARN(t, id), Status: StatusReady, CreatedAt: now, UpdatedAt: now,
		WorkloadIdentityArn: "arn:aws:bedrock-agentcore:" + t.Region + ":" + t.Account + ":workload-identity-directory/default/workload-identity/" + id}
	apply(g, &c)
	err = s.repo.kv.Txn(ctx, append([]store.Op{createOp(tblGateway, gwKey(t.Account, id), g),
		createOp(tblGatewayName, gwKey(t.Account, strings.ToLower(c.Name)), id)}, tagging.PutOps(g.ARN, tags)...)...)
	if errs.KindOf(err) == errs.Conflict {
		return nil, errs.E(errs.Conflict, "a gateway named %s already exists", c.Name)
	}
	if err != nil {
		return nil, err
	}
	s.log.Info("gateway created", "gateway", id, "authorizer", g.AuthorizerType)
	return g, nil
}

func (s *Service) validate(ctx context.Context, c *Config) error {
	if err := validateConfig(c); err != nil {
		return err
	}
	if pe := c.PolicyEngineConfiguration; pe != nil && s.o.EngineExists != nil && !s.o.EngineExists(ctx, pe.Arn) {
		return errs.Field("policyEngineConfiguration.arn", "policy engine %s does not exist", pe.Arn)
	}
	return nil
}

func apply(g *Gateway, c *Config) {
	g.Name, g.Description, g.RoleArn = c.Name, c.Description, c.RoleArn
	g.ProtocolType, g.ProtocolConfiguration = c.ProtocolType, c.ProtocolConfiguration
	g.AuthorizerType, g.AuthorizerConfiguration = c.AuthorizerType, c.AuthorizerConfiguration
	g.InterceptorConfigurations, g.PolicyEngineConfiguration = c.InterceptorConfigurations, c.PolicyEngineConfiguration
	g.ExceptionLevel, g.KmsKeyArn = c.ExceptionLevel, c.KmsKeyArn
	g.CustomTransformConfiguration, g.WafConfiguration = c.CustomTransformConfiguration, c.WafConfiguration
}

// Get returns a gateway.
func (s *Service) Get(ctx context.Context, id string) (*Gateway, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := ValidateGatewayID(id); err != nil {
		return nil, err
	}
	return s.repo.gateway(ctx, t.Account, id)
}

// Update replaces a gateway's configuration.
func (s *Service) Update(ctx context.Context, id string, c Config) (*Gateway, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := ValidateGatewayID(id); err != nil {
		return nil, err
	}
	if err := s.validate(ctx, &c); err != nil {
		return nil, err
	}
	var g *Gateway
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		g, rev, err = s.repo.gatewayRev(ctx, t.Account, id)
		if err != nil {
			return err
		}
		ops := []store.Op{}
		if !strings.EqualFold(g.Name, c.Name) {
			ops = append(ops, createOp(tblGatewayName, gwKey(t.Account, strings.ToLower(c.Name)), id), deleteOp(tblGatewayName, gwKey(t.Account, strings.ToLower(g.Name))))
		}
		apply(g, &c)
		g.UpdatedAt = s.now().UTC()
		ops = append(ops, updateOp(tblGateway, gwKey(t.Account, id), rev, g))
		err = s.repo.kv.Txn(ctx, ops...)
		if errs.KindOf(err) == errs.Conflict && s.repo.nameTaken(ctx, tblGatewayName, gwKey(t.Account, strings.ToLower(c.Name)), id) {
			return errs.E(errs.Conflict, "a gateway named %s already exists", c.Name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.cat.invalidate(t.Account, id)
	return g, nil
}

// Delete removes a gateway that has no targets.
func (s *Service) Delete(ctx context.Context, id string) (*Gateway, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := ValidateGatewayID(id); err != nil {
		return nil, err
	}
	var g *Gateway
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		g, rev, err = s.repo.gatewayRev(ctx, t.Account, id)
		if err != nil {
			return err
		}
		ts, err := s.repo.kv.List(ctx, tblTarget, gwKey(t.Account, id)+"/", "", 1)
		if err != nil {
			return err
		}
		if len(ts) > 0 {
			return errs.E(errs.Conflict, "gateway %s still has targets; delete them first", id)
		}
		// At the revision read: target writes fence on the gateway, so a
		// target created meanwhile fails this delete (and the retry sees it).
		err = s.repo.kv.Txn(ctx, store.DeleteAt(tblGateway, gwKey(t.Account, id), rev),
			deleteOp(tblGatewayName, gwKey(t.Account, strings.ToLower(g.Name))), tagging.DeleteOp(g.ARN))
		if errs.KindOf(err) == errs.NotFound {
			return errs.E(errs.NotFound, "gateway %s not found", id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.cat.invalidate(t.Account, id)
	if s.o.OnDelete != nil {
		s.o.OnDelete(ctx, g.ARN)
	}
	g.Status = StatusDeleting
	s.log.Info("gateway deleted", "gateway", id)
	return g, nil
}

// List pages through the tenant's gateways.
func (s *Service) List(ctx context.Context, p Page) ([]*Gateway, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	return list[Gateway](ctx, s.repo.kv, tblGateway, t.Account+"/", p)
}

// Exists reports whether arn names a gateway of this account (for tagging).
func (s *Service) Exists(ctx context.Context, arn string) bool {
	t, err := tenant.From(ctx)
	if err != nil {
		return false
	}
	prefix := "arn:aws:bedrock-agentcore:" + t.Region + ":" + t.Account + ":gateway/"
	if !strings.HasPrefix(arn, prefix) {
		return false
	}
	_, err = s.repo.gateway(ctx, t.Account, strings.TrimPrefix(arn, prefix))
	return err == nil
}
