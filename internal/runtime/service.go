package runtime

import (
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/lease"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sessionstore"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Options configure the service.
type Options struct {
	DataDir   string
	KV        store.KV
	Artifacts artifact.Store
	// Images pulls containerConfiguration images; nil disables them.
	Images   Images
	Sessions *Sessions
	Logger   *slog.Logger
	// AgentEnv is added to every agent's environment (e.g. endpoint URLs
	// pointing back at this server).
	AgentEnv map[string]string
	// AgentPath is the PATH agents started from code bundles get after
	// their bundle's .deps/bin ("" = /usr/local/bin:/usr/bin:/bin).
	AgentPath string
	// PythonFallback runs a Python runtime whose python3.X is not installed
	// on the host's python3 (else that is a ValidationException).
	PythonFallback bool
	// WarmPool is the default number of pre-started environments per
	// runtime version (0 = off); a runtime overrides it with the
	// AGENTCORE_WARM_POOL environment variable.
	WarmPool int
	// Limits bound every session's resources (zero = driver defaults).
	Limits sandbox.Limits
	// OnDelete is called after a runtime is deleted (e.g. to drop its tags).
	OnDelete func(ctx context.Context, arn string)
	// OTLP, when set, serves an OTLP/HTTP receiver to each session's agent
	// inside its environment (drivers implementing sandbox.Listener) and sets
	// OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL to it.
	OTLP OTLPServer
	// AgentLogs, when set, also receives each session's agent stdout and
	// stderr (stream "stdout" or "stderr"); the writer is closed when the
	// environment is gone. nil = the per-session log file only.
	AgentLogs func(acct, runtimeARN, sessionID, stream string) io.WriteCloser
	// AccountEnv adds per-account variables to agents' environments (the
	// credentials agents sign platform API calls with).
	AccountEnv func(acct string) map[string]string
	// CheckAuthorizer validates authorizerConfiguration (nil = kept as given).
	CheckAuthorizer func(raw json.RawMessage) error
	// SessionAPI: the OTLP server (OTLP) also serves the platform API, so
	// agents in namespaced sessions reach the API at their in-namespace
	// OTLP address (Identity: @requires_access_token under linuxns/gvisor).
	SessionAPI bool
	// SessionStorage keeps the directories of filesystemConfigurations
	// sessionStorage (nil: runtimes asking for it are refused).
	SessionStorage *sessionstore.Store
	// Filesystems maps the shared file systems runtimes may name (access
	// point ARNs, capacity provider volume names) to host directories.
	Filesystems map[string]string
	// Leases, with replicas sharing the store, make one replica prepare a
	// version at a time and let another resume a preparation whose replica
	// stopped (prepare_lease.go); nil = a single server.
	Leases *lease.Leases
	// PrepareSweep is how often a replica looks for versions left CREATING
	// by a replica that stopped (default 1 minute; with Leases only).
	PrepareSweep time.Duration
	// Owners records which server replica hosts each session (route.go);
	// nil: this server is alone.
	Owners Owners
}

// Service implements the runtime control plane and invocation routing.
type Service struct {
	repo           repo
	dataDir        string
	artifacts      artifact.Store
	images         Images
	sessions       *Sessions
	log            *slog.Logger
	onDelete       func(ctx context.Context, arn string)
	agentExtraEnv  map[string]string
	agentPath      string
	pythonFallback bool // a missing python3.X runs on python3 (--python-fallback)
	accountEnv     func(acct string) map[string]string
	checkAuthz     func(raw json.RawMessage) error
	sessionAPI     bool
	storage        *sessionstore.Store
	filesystems    map[string]string
	owners         Owners
	inbound        sync.Map // acct/id/version → *Inbound (versions are immutable; inbound.go)
	limits         sandbox.Limits
	otlp           OTLPServer
	agentLogs      func(acct, runtimeARN, sessionID, stream string) io.WriteCloser
	now            func() time.Time

	live        liveCache // endpoint → live version, for the invocation path
	poolSizes   sync.Map  // poolKey → warm pool size (versions are immutable)
	poolDefault int

	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc

	leases       *lease.Leases
	prepareSweep time.Duration
	preparing    sync.Map // prepare lease name → true while this replica prepares it
}

// New returns the service. Call Open to resume unfinished deployments.
func New(o Options) *Service {
	ctx, cancel := context.WithCancel(context.Background())
	lg := o.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	s := &Service{repo: repo{o.KV}, dataDir: o.DataDir, artifacts: o.Artifacts, images: o.Images, sessions: o.Sessions,
		log: lg.With("component", "runtime"), onDelete: o.OnDelete, agentExtraEnv: o.AgentEnv, agentPath: o.AgentPath, pythonFallback: o.PythonFallback, limits: o.Limits, poolDefault: o.WarmPool, otlp: o.OTLP, agentLogs: o.AgentLogs, accountEnv: o.AccountEnv, checkAuthz: o.CheckAuthorizer, sessionAPI: o.SessionAPI, storage: o.SessionStorage, filesystems: o.Filesystems, owners: o.Owners, now: time.Now, ctx: ctx, cancel: cancel,
		leases: o.Leases, prepareSweep: cmp.Or(o.PrepareSweep, time.Minute)}
	if n, ok := o.KV.(store.Notifier); ok {
		// Endpoint writes by any server (replicas on one PostgreSQL)
		// invalidate the invocation path's live-version cache.
		n.Watch(ctx, tblEndpoint, s.live.invalidate)
	}
	return s
}

// Open resumes preparation of versions left CREATING by a previous run.
func (s *Service) Open(ctx context.Context) error {
	items, err := s.repo.kv.List(ctx, tblVersion, "", "", 0)
	if err != nil {
		return err
	}
	for _, it := range items {
		v, err := decode[Version](it.Value)
		if err != nil || v.Status != StatusCreating {
			continue
		}
		acct := accountOfKey(it.Key)
		s.log.Info("resuming deployment", "runtime", v.RuntimeID, "version", v.Version)
		s.startPrepare(acct, v.RuntimeID, v.Version)
	}
	if s.leases != nil {
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.sweepPrepares() }() // prepare_lease.go
	}
	return nil
}

// Close stops background work and every session.
func (s *Service) Close(ctx context.Context) error {
	s.cancel()
	s.wg.Wait()
	if s.sessions != nil {
		s.sessions.Close(ctx)
	}
	return nil
}

// Exists reports whether a runtime or runtime endpoint ARN names a live resource.
func (s *Service) Exists(ctx context.Context, arn string) bool {
	p, err := ParseRuntimeARN(arn)
	if err != nil {
		return false
	}
	if p.Endpoint != "" {
		_, err = s.repo.endpoint(ctx, p.Account, p.RuntimeID, p.Endpoint)
	} else {
		_, err = s.repo.runtime(ctx, p.Account, p.RuntimeID)
	}
	return err == nil
}

// Create creates a runtime, its version 1 and its DEFAULT endpoint, with
// its tags in the same transaction.
func (s *Service) Create(ctx context.Context, name string, cfg Config, tags map[string]string) (*RuntimeView, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := ValidateName("agentRuntimeName", name); err != nil {
		return nil, err
	}
	if err := s.checkConfig(&cfg); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	id := name + "-" + randomSuffix(10)
	rt := &Runtime{ID: id, Name: name, ARN: RuntimeARN(t.Region, t.Account, id), LatestVersion: 1, Status: StatusCreating,
		WorkloadIdentityARN: workloadIdentityARN(t, name), CreatedAt: now, UpdatedAt: now}
	v := &Version{RuntimeID: id, Version: 1, Config: cfg, Status: StatusCreating, CreatedAt: now, UpdatedAt: now}
	ep := &Endpoint{RuntimeID: id, Name: DefaultEndpoint, ID: DefaultEndpoint, ARN: EndpointARN(t.Region, t.Account, id, DefaultEndpoint),
		TargetVersion: 1, Status: StatusCreating, CreatedAt: now, UpdatedAt: now}
	if err := s.materialize(ctx, t.Account, v); err != nil {
		return nil, err
	}
	err = s.repo.kv.Txn(ctx, append([]store.Op{
		createOp(tblName, nameKey(t.Account, name), id),
		createOp(tblRuntime, runtimeKey(t.Account, id), rt),
		createOp(tblVersion, versionKey(t.Account, id, 1), v),
		createOp(tblEndpoint, endpointKey(t.Account, id, DefaultEndpoint), ep)},
		tagging.PutOps(rt.ARN, tags)...)...)
	if err != nil {
		os.RemoveAll(s.bundleDir(t.Account, id, 1))
		if errs.KindOf(err) == errs.Conflict {
			return nil, errs.E(errs.Conflict, "an agent runtime named %s already exists", name)
		}
		return nil, err
	}
	s.log.Info("runtime created", "runtime", id, "arn", rt.ARN)
	s.startPrepare(t.Account, id, 1)
	return &RuntimeView{Runtime: *rt, Version: *v}, nil
}

// Update makes a new immutable version; the DEFAULT endpoint moves to it
// once it is ready.
func (s *Service) Update(ctx context.Context, id string, cfg Config) (*RuntimeView, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if err := s.checkConfig(&cfg); err != nil {
		return nil, err
	}
	defer s.live.forget(t.Account, id)
	// The code is unpacked once into a staging directory and moved to the
	// version's directory after the write: the version number is only known
	// when the write wins.
	// Checked before the (slow) unpack too, so errors keep their order: a
	// missing or busy runtime before a bad artifact.
	if rt, err := s.repo.runtime(ctx, t.Account, id); err != nil {
		return nil, err
	} else if err := updatable(rt); err != nil {
		return nil, err
	}
	stage := filepath.Join(s.dataDir, "bundles", t.Account, id, ".staging-"+randomSuffix(10))
	staged := cfg.Artifact.Code != nil
	if staged {
		if err := s.unpack(ctx, cfg.Artifact.Code, stage); err != nil {
			return nil, err
		}
		defer os.RemoveAll(stage) // no-op once moved
	}
	var rt *Runtime
	var v *Version
	// Revision-checked against concurrent writers (other replicas): the
	// version number comes from the runtime read, and the write applies only
	// if the runtime is still at that revision, so two updates never both
	// make version N+1.
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		rt, rev, err = s.repo.runtimeRev(ctx, t.Account, id)
		if err != nil {
			return err
		}
		if err := updatable(rt); err != nil {
			return err
		}
		def, defRev, err := s.repo.endpointRev(ctx, t.Account, id, DefaultEndpoint)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		n := rt.LatestVersion + 1
		v = &Version{RuntimeID: id, Version: n, Config: cfg, Status: StatusCreating, CreatedAt: now, UpdatedAt: now}
		rt.LatestVersion, rt.Status, rt.UpdatedAt, rt.FailureReason = n, StatusUpdating, now, ""
		def.TargetVersion, def.Status, def.UpdatedAt = n, StatusUpdating, now
		return s.repo.kv.Txn(ctx,
			updateOp(tblRuntime, runtimeKey(t.Account, id), rev, rt),
			createOp(tblVersion, versionKey(t.Account, id, n), v),
			updateOp(tblEndpoint, endpointKey(t.Account, id, DefaultEndpoint), defRev, def))
	})
	if err != nil {
		return nil, err
	}
	n := v.Version
	if staged {
		dir := s.bundleDir(t.Account, id, n)
		os.RemoveAll(dir) // a leftover of an earlier server's failed attempt
		if err := os.Rename(stage, dir); err != nil {
			s.log.Error("runtime update: move bundle", "runtime", id, "version", n, "err", err) // prepare marks the version failed
		}
	}
	s.log.Info("runtime updated", "runtime", id, "version", n)
	s.startPrepare(t.Account, id, n)
	return &RuntimeView{Runtime: *rt, Version: *v}, nil
}

// updatable refuses an update while the runtime is busy with another change.
func updatable(rt *Runtime) error {
	if rt.Status == StatusCreating || rt.Status == StatusUpdating || rt.Status == StatusDeleting {
		return errs.E(errs.Conflict, "agent runtime %s is %s; wait until it is READY before updating it", rt.ID, rt.Status)
	}
	return nil
}

// checkConfig validates cfg and rejects artifacts this server cannot run.
func (s *Service) checkConfig(cfg *Config) error {
	if err := validateConfig(cfg); err != nil {
		return err
	}
	if err := s.checkFilesystems(cfg.FilesystemConfigurations); err != nil {
		return err
	}
	if s.checkAuthz != nil && len(cfg.AuthorizerConfiguration) > 0 {
		if err := s.checkAuthz(cfg.AuthorizerConfiguration); err != nil {
			return errs.Field("authorizerConfiguration", "authorizerConfiguration: %v", err)
		}
	}
	if cfg.Artifact.Container == nil {
		return nil
	}
	if s.images != nil {
		if err := s.images.CheckRef(cfg.Artifact.Container.ContainerURI); err != nil {
			return errs.Field("agentRuntimeArtifact.containerConfiguration.containerUri", "containerUri: %v", err)
		}
	}
	if s.sessions == nil || !s.sessions.SupportsImages() {
		return errs.Field("agentRuntimeArtifact.containerConfiguration",
			"container images need an isolating sandbox driver; this server runs the %q driver, which hosts codeConfiguration artifacts only", s.driverName())
	}
	if s.images == nil {
		return errs.Field("agentRuntimeArtifact.containerConfiguration", "container images are not enabled on this server (no image store)")
	}
	return nil
}

// materialize unpacks a version's code artifact (synchronously, so a bad zip
// is rejected before anything is stored).
func (s *Service) materialize(ctx context.Context, acct string, v *Version) error {
	cc := v.Config.Artifact.Code
	if cc == nil {
		return nil
	}
	return s.unpack(ctx, cc, s.bundleDir(acct, v.RuntimeID, v.Version))
}

func workloadIdentityARN(t tenant.Tenant, name string) string {
	return "arn:aws:bedrock-agentcore:" + t.Region + ":" + t.Account + ":workload-identity-directory/default/workload-identity/" + name
}
