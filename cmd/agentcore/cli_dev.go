package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// devPoll is how often dev looks for changed files.
const devPoll = 500 * time.Millisecond

func newDevCmd() *cobra.Command {
	var (
		port  int
		entry string
		env   []string
	)
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run the agent locally and restart it when a project file changes",
		Long: `Runs the project's entry point on this machine (python3 ENTRY, node ENTRY, or an
executable as it is) with PORT and DOCKER_CONTAINER=1 set, plus the project's
env and --env values, and forwards its output. A Python project's
requirements.txt is installed first (pip install --target, as deploy does on the
server) into a cache directory put on PYTHONPATH; it is reused until the file
changes. Every 500ms it checks the
project's files (the ones deploy would package) and restarts the agent when
one changed. Ctrl-C or SIGTERM stops the agent and exits.

Call it with: agentcore invoke --dev [--dev-url http://127.0.0.1:PORT] PAYLOAD`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			pc, err := loadConfigOptional(dir)
			if err != nil {
				return err
			}
			if pc == nil {
				pc = &projectConfig{}
			}
			if entry != "" {
				pc.Entrypoint = entry
			}
			if pc.Entrypoint == "" {
				return errNoConfig
			}
			if err := checkEntrypoint(dir, pc.Entrypoint); err != nil {
				return err
			}
			vars := os.Environ()
			for k, v := range pc.Env {
				vars = append(vars, k+"="+v)
			}
			for _, kv := range env {
				if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
					return fmt.Errorf("--env %q: want KEY=VALUE", kv)
				}
				vars = append(vars, kv)
			}
			vars = append(vars, "PORT="+strconv.Itoa(port), "DOCKER_CONTAINER=1", "LOCAL_DEV=1")
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			argv := devArgv(dir, pc)
			if filepath.Ext(pc.Entrypoint) == ".py" {
				deps, err := devDeps(dir, argv[0], cmd.ErrOrStderr()) // cli_dev_deps.go
				if err != nil {
					return err
				}
				if deps != "" {
					vars = withPythonPath(vars, deps)
				}
			}
			d := &devRunner{dir: dir, argv: argv, env: vars,
				stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr()}
			d.logf("running %s on port %d (Ctrl-C to stop)", strings.Join(d.argv, " "), port)
			return d.run(ctx)
		},
	}
	f := cmd.Flags()
	f.IntVarP(&port, "port", "p", 8080, "port the agent listens on (its PORT)")
	f.StringVarP(&entry, "entrypoint", "e", "", "entry point (default: the project's)")
	f.StringArrayVar(&env, "env", nil, "extra environment variable KEY=VALUE (repeatable)")
	return cmd
}

// devArgv is the command line that starts the entry point locally, chosen
// as the server does for code artifacts.
func devArgv(dir string, pc *projectConfig) []string {
	entry := pc.Entrypoint
	switch filepath.Ext(entry) {
	case ".py":
		py := "python3"
		if v, ok := strings.CutPrefix(pc.Runtime, "PYTHON_3_"); ok {
			// Use the runtime's version when it is installed and runs
			// (a pyenv shim may exist for a version that is not active).
			if p, err := exec.LookPath("python3." + v); err == nil && exec.Command(p, "-c", "").Run() == nil {
				py = p
			}
		}
		return []string{py, entry}
	case ".js", ".mjs", ".cjs":
		return []string{"node", entry}
	}
	return []string{filepath.Join(dir, entry)}
}

type devRunner struct {
	dir            string
	argv, env      []string
	stdout, stderr io.Writer
}

func (d *devRunner) logf(format string, args ...any) {
	fmt.Fprintf(d.stderr, "agentcore dev: "+format+"\n", args...)
}

// run starts the agent, restarts it on changes and stops it when ctx ends.
func (d *devRunner) run(ctx context.Context) error {
	snap, err := snapshot(d.dir)
	if err != nil {
		return err
	}
	tick := time.NewTicker(devPoll)
	defer tick.Stop()
	for {
		child := exec.Command(d.argv[0], d.argv[1:]...)
		child.Dir, child.Env = d.dir, d.env
		child.Stdout, child.Stderr = d.stdout, d.stderr
		child.SysProcAttr = devSysProcAttr()
		if err := child.Start(); err != nil {
			return fmt.Errorf("start agent: %w", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- child.Wait() }()
		running := true
		for restart := false; !restart; {
			select {
			case <-ctx.Done():
				d.stop(child, exited, running)
				d.logf("stopped")
				return nil
			case err := <-exited:
				running = false
				d.logf("agent exited (%v); waiting for a change to restart it", err)
			case <-tick.C:
				next, err := snapshot(d.dir)
				if err != nil {
					d.logf("scanning the project: %v", err)
					continue
				}
				if changed := snapDiff(snap, next); changed != "" {
					snap = next
					d.logf("%s changed; restarting", changed)
					restart = true
				}
			}
		}
		d.stop(child, exited, running)
	}
}

// stop asks the agent's process group to terminate, then kills it after 5s.
func (d *devRunner) stop(child *exec.Cmd, exited <-chan error, running bool) {
	if running {
		terminateGroup(child)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			d.logf("agent did not stop within 5s; killing it")
			killGroup(child)
			<-exited
		}
	}
	killGroup(child) // whatever it left behind
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// snapshot records the modification time and size of every project file.
func snapshot(dir string) (map[string]fileStamp, error) {
	s := map[string]fileStamp{}
	err := walkProject(dir, func(rel string, info fs.FileInfo) error {
		s[rel] = fileStamp{info.ModTime(), info.Size()}
		return nil
	})
	return s, err
}

// snapDiff names a file that differs between two snapshots ("" if none).
func snapDiff(a, b map[string]fileStamp) string {
	for k, v := range b {
		if old, ok := a[k]; !ok || !old.mod.Equal(v.mod) || old.size != v.size {
			return k
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return k
		}
	}
	return ""
}
