package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/agentclient"
	"github.com/agentcore-dev/agentcore/internal/codeinterpreter"
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
		KV: s.kv, Sessions: sessions, Env: env, DataDir: cfg.DataDir, Limits: cfg.Limits,
		CallTimeout: cfg.CodeInterpreterTimeout, WarmPool: cfg.CodeInterpreterWarmPool,
		Observer: s.tel.Metrics, Transpile: typescript.Transpile, Logger: lg,
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

// codeInterpreterEnv finds python, node and the data libraries. envDir ""
// is DataDir/codeinterpreter/env; it is used as PYTHONPATH itself, or its
// site-packages directory when it has one.
func codeInterpreterEnv(python, node, envDir, dataDir string) codeinterpreter.Environment {
	env := codeinterpreter.Environment{Python: resolvePython(python), Node: resolveNode(node), Env: map[string]string{}}
	if envDir == "" {
		envDir = filepath.Join(dataDir, "codeinterpreter", "env")
	}
	for _, d := range []string{filepath.Join(envDir, "site-packages"), envDir} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			env.LibDirs = []string{d}
			break
		}
	}
	return env
}

// resolvePython is the executable a python name (possibly a pyenv shim)
// runs, so the sandbox can expose its installation; "" when none runs.
// Answers are kept for the process (it costs a python start).
func resolvePython(name string) string {
	if name == "" {
		name = "python3"
	}
	if p, ok := pythons.Load(name); ok {
		return p.(string)
	}
	p := ""
	out, err := exec.Command(name, "-c", "import sys; print(sys.executable)").Output()
	if s := strings.TrimSpace(string(out)); err == nil && filepath.IsAbs(s) {
		p = s
	}
	pythons.Store(name, p)
	return p
}

var pythons sync.Map // name -> resolved executable

// resolveNode finds node ("" when there is none).
func resolveNode(name string) string {
	if name == "" {
		name = "node"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	if rp, err := filepath.EvalSymlinks(p); err == nil {
		return rp
	}
	return p
}
