package runtime

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Target names what an invocation addresses.
type Target struct {
	ARN       string // runtime ARN, runtime-endpoint ARN, or runtime id with AccountID
	AccountID string // accountId query parameter, optional
	Qualifier string // endpoint name or version number; "" = DEFAULT
	SessionID string // runtimeSessionId (33-256 chars)
}

// Invocation is a resolved, leased invocation target.
type Invocation struct {
	*Lease
	RuntimeARN string
	Path       string   // HTTP path on the agent (/invocations, /mcp, /)
	Allow      []string // lower-cased allow-listed request headers
}

var bareIDRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}$`)

// ValidateSessionID checks a runtimeSessionId.
func ValidateSessionID(id string) error {
	if len(id) < 33 || len(id) > 256 {
		return errs.Field("runtimeSessionId", "runtimeSessionId must be 33 to 256 characters long (got %d)", len(id))
	}
	return nil
}

// resolve finds the runtime and the endpoint or version a target names.
func (s *Service) resolve(ctx context.Context, tg Target) (acct, id, epName string, version int, err error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return "", "", "", 0, err
	}
	acct = t.Account
	if p, perr := ParseRuntimeARN(tg.ARN); perr == nil {
		if p.Account != t.Account || p.Region != t.Region {
			return "", "", "", 0, errs.E(errs.NotFound, "agent runtime %s not found in account %s region %s", tg.ARN, t.Account, t.Region)
		}
		id, epName = p.RuntimeID, p.Endpoint
	} else if bareIDRE.MatchString(tg.ARN) && (tg.AccountID == "" || tg.AccountID == t.Account) {
		id = tg.ARN
	} else {
		return "", "", "", 0, perr
	}
	q := tg.Qualifier
	switch {
	case q == "":
	case epName != "" && q != epName:
		return "", "", "", 0, errs.Field("qualifier", "qualifier %q does not match the endpoint ARN's endpoint %q", q, epName)
	case versionRE.MatchString(q):
		version, _ = strconv.Atoi(q)
	case nameRE.MatchString(q):
		epName = q
	default:
		return "", "", "", 0, errs.Field("qualifier", "qualifier %q is neither an endpoint name nor a version number", q)
	}
	if epName == "" && version == 0 {
		epName = DefaultEndpoint
	}
	return acct, id, epName, version, nil
}

// liveVersion returns the version an endpoint serves.
func (s *Service) liveVersion(ctx context.Context, acct, id, epName string) (int, error) {
	key := endpointKey(acct, id, epName)
	if v, ok := s.live.get(key); ok {
		return v, nil
	}
	ep, err := s.repo.endpoint(ctx, acct, id, epName)
	if err != nil {
		if _, rerr := s.repo.runtime(ctx, acct, id); rerr != nil {
			return 0, rerr
		}
		return 0, errs.E(errs.NotFound, "endpoint (qualifier) %s of agent runtime %s not found", epName, id)
	}
	if ep.LiveVersion == 0 {
		return 0, notReady("endpoint "+epName, ep.Status, ep.FailureReason)
	}
	s.live.put(key, ep.LiveVersion)
	return ep.LiveVersion, nil
}

// Invoke resolves the target and leases its session, starting it if needed.
func (s *Service) Invoke(ctx context.Context, tg Target) (*Invocation, error) {
	if err := ValidateSessionID(tg.SessionID); err != nil {
		return nil, err
	}
	acct, id, epName, version, err := s.resolve(ctx, tg)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		if version, err = s.liveVersion(ctx, acct, id, epName); err != nil {
			return nil, err
		}
	}
	s.warm(acct, id, version)
	claimed, err := s.claim(ctx, acct, id, tg.SessionID) // route.go
	if err != nil {
		return nil, err
	}
	var inv Invocation
	lease, err := s.sessions.Acquire(ctx, acct, id, tg.SessionID, version, func() (*Launch, error) {
		// Start-up is shared by every request waiting for this session: it
		// must not die with the first caller's request.
		lctx, cancel := context.WithTimeout(s.ctx, 5*time.Minute)
		defer cancel()
		return s.launch(lctx, acct, id, version, tg.SessionID)
	})
	if err != nil {
		if claimed && !s.sessions.Hosts(acct, id, tg.SessionID) {
			s.owners.Release(context.WithoutCancel(ctx), acct, id, tg.SessionID)
		}
		return nil, err
	}
	inv.Lease = lease
	inv.RuntimeARN = RuntimeARN(tenantRegion(ctx), acct, id)
	inv.Path, inv.Allow = lease.Path, lease.Allow
	return &inv, nil
}

// StopSession ends a running session.
func (s *Service) StopSession(ctx context.Context, tg Target) error {
	if err := ValidateSessionID(tg.SessionID); err != nil {
		return err
	}
	acct, id, epName, version, err := s.resolve(ctx, tg)
	if err != nil {
		return err
	}
	if version == 0 {
		if _, err := s.liveVersion(ctx, acct, id, epName); err != nil && errs.KindOf(err) != errs.Conflict {
			return err
		}
	}
	err = s.sessions.Stop(ctx, acct, id, tg.SessionID)
	if s.storage != nil {
		// A paused session (checkpoint on idle) is stopped by dropping its image.
		t := CheckpointTarget{Dir: s.checkpointDir(acct, id, tg.SessionID)}
		if s.sessions.DiscardCheckpoint(acct, id, tg.SessionID, t) && errs.KindOf(err) == errs.NotFound {
			err = nil
		}
	}
	return err
}

// checkpointDir is where a session's checkpoint lives: next to its session
// storage, so the storage's expiry (--session-storage-ttl) and the runtime's
// deletion remove it too.
func (s *Service) checkpointDir(acct, id, sessionID string) string {
	return filepath.Join(s.storage.SessionDir(acct, id, sessionID), "checkpoint")
}

// checkpointTarget is the Launch.Checkpoint of a session of version v: set
// when v opted in (CheckpointOnIdleEnv), for sessions (not pooled
// environments), on servers with a data directory for session storage.
func (s *Service) checkpointTarget(acct, id string, v *Version, sessionID string) *CheckpointTarget {
	if sessionID == "" || s.storage == nil || !checkpointOnIdle(v) {
		return nil
	}
	return &CheckpointTarget{Dir: s.checkpointDir(acct, id, sessionID)}
}

func tenantRegion(ctx context.Context) string {
	t, _ := tenant.From(ctx)
	return t.Region
}

// launch builds the sandbox spec for a new session of version n.
func (s *Service) launch(ctx context.Context, acct, id string, n int, sessionID string) (*Launch, error) {
	rt, err := s.repo.runtime(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	v, err := s.repo.version(ctx, acct, id, n)
	if err != nil {
		return nil, err
	}
	if v.Status != StatusReady {
		return nil, notReady(fmt.Sprintf("version %d of agent runtime %s", n, id), v.Status, v.FailureReason)
	}
	var spec sandbox.Spec
	if v.Config.Artifact.Container != nil {
		spec, err = s.imageSpec(rt, v)
	} else if err = s.ensureBundle(ctx, acct, v); err == nil { // bundle_local.go
		spec, err = s.codeSpec(acct, rt, v)
	} else if _, ok := errs.As(err); !ok || errs.KindOf(err) == errs.Invalid {
		err = errs.Wrap(errs.RuntimeClient, err, "Runtime initialization failed: the code bundle of version %d cannot be prepared on this server", n)
	}
	if err != nil {
		return nil, err
	}
	L := &Launch{Protocol: "HTTP", Port: 8080}
	path := "/invocations"
	if pc := v.Config.ProtocolConfiguration; pc != nil {
		L.Protocol = pc.ServerProtocol
		switch pc.ServerProtocol {
		case "MCP":
			L.Port, path = 8000, "/mcp"
		case "A2A":
			L.Port, path = 9000, "/"
		}
		if pc.Port != nil {
			L.Port = *pc.Port
		}
		if pc.Path != "" {
			path = pc.Path
		}
	}
	if lc := v.Config.LifecycleConfiguration; lc != nil {
		if lc.IdleRuntimeSessionTimeout != nil {
			L.Idle = time.Duration(*lc.IdleRuntimeSessionTimeout) * time.Second
		}
		if lc.MaxLifetime != nil {
			L.MaxLife = time.Duration(*lc.MaxLifetime) * time.Second
		}
	}
	logDir := filepath.Join(s.dataDir, "logs", acct, id)
	if err := os.MkdirAll(logDir, 0o700); err != nil {
		return nil, err
	}
	logName := hashID(sessionID)
	if sessionID == "" {
		logName = "warm-pool"
	}
	logf, err := os.OpenFile(filepath.Join(logDir, logName+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	L.Cleanup = func() { logf.Close() }
	var stdout, stderr io.Writer = logf, logf
	if s.agentLogs != nil && sessionID != "" { // warm-pool environments: log file only
		ow, ew := s.agentLogs(acct, rt.ARN, sessionID, "stdout"), s.agentLogs(acct, rt.ARN, sessionID, "stderr")
		stdout, stderr = io.MultiWriter(logf, ow), io.MultiWriter(logf, ew)
		L.Cleanup = func() { logf.Close(); ow.Close(); ew.Close() }
	}
	network := "PUBLIC"
	if nc := v.Config.NetworkConfiguration; nc != nil && nc.NetworkMode != "PUBLIC" {
		network = "NONE" // VPC attachment does not exist here: no egress at all
	}
	// Unique per environment: a session id may come back (after a stop or a
	// crash) before its old environment is fully torn down, and pooled
	// environments have no session id yet.
	spec.ID = hashID(acct + "/" + id + "/" + sessionID)[:16] + strings.ToLower(randomSuffix(8))
	spec.Ports, spec.Stdout, spec.Stderr = []int{L.Port}, stdout, stderr
	spec.Network, spec.Limits = network, s.limits
	spec.Owner = sandbox.Owner{Account: acct, Runtime: id, Session: sessionID}
	detach, err := s.attachFilesystems(ctx, acct, id, v, sessionID, &spec)
	if err != nil {
		logf.Close()
		return nil, err
	}
	closeLogs := L.Cleanup
	L.Cleanup = func() { closeLogs(); detach() }
	L.Spec = spec
	L.Checkpoint = s.checkpointTarget(acct, id, v, sessionID)
	L.OTLP = s.otlpFor(acct, rt.ARN, spec.Env)
	L.SessionAPI = s.sessionAPI && L.OTLP != nil
	var allow []string
	if h := v.Config.RequestHeaderConfiguration; h != nil {
		for _, name := range h.RequestHeaderAllowlist {
			allow = append(allow, strings.ToLower(name))
		}
	}
	L.Path, L.Allow = path, allow
	return L, nil
}

// codeSpec is the command, files and environment of a codeConfiguration
// version: its unpacked bundle run with host interpreters.
func (s *Service) codeSpec(acct string, rt *Runtime, v *Version) (sandbox.Spec, error) {
	dir := s.bundleDir(acct, rt.ID, v.Version)
	argv, err := resolveEntry(v.Config.Artifact.Code, dir, s.pythonFallback)
	if err != nil {
		return sandbox.Spec{}, err
	}
	env := map[string]string{
		"PATH":             filepath.Join(dir, ".deps", "bin") + ":" + cmp.Or(s.agentPath, "/usr/local/bin:/usr/bin:/bin"),
		"LANG":             "C.UTF-8",
		"PYTHONUNBUFFERED": "1",
		"PYTHONPATH":       filepath.Join(dir, ".deps"),
		"NODE_PATH":        filepath.Join(dir, "node_modules"),
	}
	return sandbox.Spec{Command: argv, Dir: dir, WorkDir: dir, Env: s.agentEnv(env, rt, v), HostPaths: HostPaths(argv[0])}, nil
}

// agentEnv completes a base environment with what every agent gets: the
// platform's variables, the server's AgentEnv, then the runtime's
// environmentVariables (each layer overriding the previous).
func (s *Service) agentEnv(env map[string]string, rt *Runtime, v *Version) []string {
	p, _ := ParseRuntimeARN(rt.ARN)
	for k, val := range map[string]string{
		"DOCKER_CONTAINER":      "1",
		"AWS_REGION":            p.Region,
		"AWS_DEFAULT_REGION":    p.Region,
		"AGENTCORE_RUNTIME_ARN": rt.ARN,
		"OTEL_RESOURCE_ATTRIBUTES": "service.name=" + rt.Name + ",cloud.resource_id=" + rt.ARN +
			",cloud.region=" + p.Region + ",cloud.account.id=" + p.Account,
		"OTEL_SERVICE_NAME": rt.Name,
	} {
		env[k] = val
	}
	for k, val := range s.agentExtraEnv {
		env[k] = val
	}
	if s.accountEnv != nil {
		for k, val := range s.accountEnv(p.Account) {
			env[k] = val
		}
	}
	for k, val := range v.Config.EnvironmentVariables {
		env[k] = val
	}
	out := make([]string, 0, len(env))
	for k, val := range env {
		out = append(out, k+"="+val)
	}
	sort.Strings(out)
	return out
}

func hashID(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:12])
}
