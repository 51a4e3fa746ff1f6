package server

import (
	"context"
	"os/exec"
	"path/filepath"

	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"github.com/agentcore-dev/agentcore/internal/codeinterpreter"
	"github.com/agentcore-dev/agentcore/internal/codeinterpreter/environment"
	"github.com/agentcore-dev/agentcore/internal/codeinterpreter/typescript"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// startCodeInterpreter builds the Code Interpreter (nil when
// --code-interpreter=false): its own session manager on the server's
// sandbox driver (kernels never share a runtime's pools or limits
// accounting), the environment the sessions run with, and the service.
func (s *Server) startCodeInterpreter(ctx context.Context, driver sandbox.Driver, tags *tagging.Service) (*codeinterpreter.Service, error) {
	cfg, lg := s.cfg, s.cfg.Logger
	if cfg.DisableCodeInterpreter {
		return nil, nil
	}
	sessions := runtime.NewSessions(runtime.SessionOptions{
		Driver: driver, Connect: agentclient.Connect, Logger: lg.With("service", "codeinterpreter"),
		InitTimeout: cfg.InitTimeout, PingInterval: cfg.PingInterval,
		Tracer: s.tel.Tracer(), Observer: s.tel.Metrics,
	})
	s.closers.push("code interpreter sessions", func(ctx context.Context) error { sessions.Close(ctx); return nil })
	env := codeInterpreterEnv(cfg.CodeInterpreterPython, cfg.CodeInterpreterNode, cfg.CodeInterpreterEnv, cfg.DataDir)
	if env.Python == "" {
		lg.Warn("code interpreter: no python3 found; sessions cannot start (set --code-interpreter-python)")
	}
	if len(env.LibDirs) == 0 {
		lg.Warn("code interpreter: the data-library environment is not built; sessions get the bare Python (run `agentcore code-interpreter setup`)")
	}
	o := codeinterpreter.Options{
		Node: s.node, NodeAlive: s.nodeAlive,
		KV: s.kv, Sessions: sessions, Env: env, DataDir: cfg.DataDir, Limits: cfg.Limits,
		CallTimeout: cfg.CodeInterpreterTimeout, WarmPool: cfg.CodeInterpreterWarmPool,
		Observer: s.tel.Metrics, Transpile: typescript.Transpile, Logger: lg,
	}
	var err error
	if o.Filesystems, err = cfg.FilesystemMap(); err != nil { // checked by config.Validate
		return nil, err
	}
	if s.obs != nil {
		o.Logs = s.obs.AgentLogWriter // tool output is kept with the session's logs (retention applies)
	}
	svc := codeinterpreter.New(o)
	if err := svc.Open(ctx); err != nil {
		return nil, err
	}
	s.closers.push("code interpreter", svc.Close)
	tags.AddChecker(svc.Exists)
	lg.Info("code interpreter", "python", env.Python, "node", env.Node, "libraries", env.LibDirs, "warmPool", cfg.CodeInterpreterWarmPool)
	return svc, nil
}

// codeInterpreterEnv finds python, node and the data libraries built by
// `agentcore code-interpreter setup` under envDir ("" = the data dir's
// default root). A missing build leaves LibDirs empty (the caller warns).
func codeInterpreterEnv(python, node, envDir, dataDir string) codeinterpreter.Environment {
	env := codeinterpreter.Environment{Env: map[string]string{}}
	if p := environment.ResolvePython(python); filepath.IsAbs(p) {
		env.Python = p
	}
	if node != "" {
		if p, err := exec.LookPath(node); err == nil {
			env.Node = p
		}
	} else {
		env.Node = environment.ResolveNode()
	}
	if envDir == "" {
		envDir = environment.Root(dataDir)
	}
	if env.Python != "" {
		if e, err := environment.Lookup(envDir, env.Python); err == nil {
			env.LibDirs = []string{e.SitePackages}
		}
	}
	return env
}
