package linuxns

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sandbox/hostnet"
	"github.com/agentcore-dev/agentcore/internal/sandbox/linuxns/nsinit"
)

// setupTimeout bounds the in-namespace setup when ctx has no deadline.
const setupTimeout = 15 * time.Second

// Start implements sandbox.Driver. It returns once the agent has been
// exec'd inside its sandbox; setup failures (a command that is not found, a
// mount that fails) are returned as errors and leave nothing behind.
func (d *Driver) Start(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, error) {
	if err := validate(&spec); err != nil {
		return nil, err
	}
	public := spec.Network == "PUBLIC"
	b, done := d.pool.take(public)
	defer done()
	if b == nil {
		var err error
		if b, err = d.prepare(ctx, d.o.NameTag+spec.ID, public); err != nil {
			return nil, err
		}
	}
	in := &instance{box: b, spec: spec, done: make(chan struct{}), stopped: make(chan struct{})}
	if err := in.claim(ctx); err != nil {
		b.discard() //nolint:errcheck // the setup error is the one to report
		return nil, err
	}
	b.whenExited(in.wait)
	return in, nil
}

// claim gives the box its session: limits, Own mounts, output, and the
// session's configuration, with which the init builds the root filesystem
// and execs the agent. It returns once the agent was exec'd or setup failed.
func (in *instance) claim(ctx context.Context) error {
	s := in.spec
	if err := in.cg.SetLimits(s.Limits); err != nil {
		return fmt.Errorf("linuxns: %w", err)
	}
	if err := in.ownMounts(); err != nil {
		return err
	}
	inside, mounts := sandbox.Relocate(s)
	cfg := nsinit.Config{
		Hostname:   hostname(s.ID),
		Argv:       inside.Command,
		Env:        sessionEnv(inside.Env),
		WorkDir:    inside.WorkDir,
		RootFS:     s.RootFS,
		HostPaths:  s.HostPaths,
		ResolvConf: hostnet.ResolvConf(in.public),
	}
	for i, m := range mounts { // Dir first, then Spec.Mounts
		if i == 0 && s.Dir != "" {
			cfg.Dir, cfg.DirAt = m.Source, m.Target
		} else if s.RootFS == "" || m.Writable {
			cfg.Binds = append(cfg.Binds, nsinit.Bind{Source: m.Source, Target: m.Target, Writable: m.Writable})
		}
	}
	in.env = cfg.Env
	in.tail = &tailWriter{w: s.Stderr}
	outR, errOut := in.outR, in.errOut
	in.outR, in.errOut = nil, nil // the pumps close them
	in.pumps.Add(2)
	sandbox.PumpFile(outR, s.Stdout, in.pumps.Done) // on the reactor: no goroutine per stream
	sandbox.PumpFile(errOut, in.tail, in.pumps.Done)
	err := nsinit.SendSession(in.sock, &cfg)
	syscall.Close(in.sock)
	in.sock = -1
	if err != nil {
		return fmt.Errorf("linuxns: configure sandbox init: %w (%s)", err, in.tail.String())
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(setupTimeout)
	}
	in.errR.SetReadDeadline(deadline)
	msg, rerr := io.ReadAll(in.errR) // EOF without data: the agent was exec'd
	in.errR.Close()
	in.errR = nil
	switch {
	case len(msg) > 0:
		return fmt.Errorf("linuxns: start %s: %s", s.Command[0], strings.TrimSpace(string(msg)))
	case errors.Is(rerr, os.ErrDeadlineExceeded):
		return fmt.Errorf("linuxns: sandbox setup timed out: %w", context.DeadlineExceeded)
	case rerr != nil:
		return fmt.Errorf("linuxns: sandbox setup: %w", rerr)
	}
	return nil
}

// instanceName makes the host-side name of a session's resources (cgroup,
// namespace file, session dir): the sanitised id plus a random suffix, so two
// servers or test binaries using the same session ids never collide.
func instanceName(id string) string {
	b := []byte(id)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) > 40 {
		b = b[:40]
	}
	var r [4]byte
	rand.Read(r[:])
	return namePrefix + string(b) + "-" + hex.EncodeToString(r[:])
}

// namePrefix starts every host-side name the driver creates.
const namePrefix = "ns-"

func hostname(id string) string {
	h := []byte(id)
	for i, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			h[i] = '-'
		}
	}
	if len(h) > 32 {
		h = h[:32]
	}
	return string(h)
}

// idRange is how many ids a session's user namespace maps (0..65535, the
// range images and distributions use), from a base that is a multiple of it.
const idRange = 1 << 16

// idPool hands out the agent's host ids: without a user namespace one
// random uid (and gid) in 2^24..2^25, a range no distribution assigns; with
// one the base of a range of idRange ids in 2^24..2^31 that no other
// session of this driver holds. Sessions never share ids, so per-uid kernel
// limits (inotify instances, ...) stay per session.
type idPool struct {
	mu   sync.Mutex
	used map[int]bool
}

func (p *idPool) take(rangeOf bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used == nil {
		p.used = map[int]bool{}
	}
	for {
		var r [4]byte
		rand.Read(r[:])
		n := int(binary.BigEndian.Uint32(r[:]))
		id := 1<<24 + n%(1<<24)
		if rangeOf {
			id = 1<<24 + n%((1<<31-1<<24)/idRange)*idRange
		}
		if !p.used[id] {
			p.used[id] = true
			return id
		}
	}
}

func (p *idPool) give(id int) {
	p.mu.Lock()
	delete(p.used, id)
	p.mu.Unlock()
}

// sessionEnv is the agent's environment: the spec's, with HOME and TMPDIR
// pointing at the private /tmp and a default PATH.
func sessionEnv(env []string) []string {
	out := make([]string, 0, len(env)+3)
	hasPath := false
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME", "TMPDIR":
			continue
		case "PATH":
			hasPath = true
		}
		out = append(out, kv)
	}
	out = append(out, "HOME=/tmp", "TMPDIR=/tmp")
	if !hasPath {
		out = append(out, "PATH="+nsinit.DefaultPath)
	}
	return out
}

// ownMounts gives the agent the files of its Own mounts (session storage):
// with a user namespace, ids of an earlier session's range keep their place
// in this session's range (the earlier root becomes this root) and any other
// id becomes this root; without one, everything becomes the agent's uid.
func (in *instance) ownMounts() error {
	base := in.uid
	ids := func(uid, gid int) (int, int) {
		shift := func(id int) int {
			if in.d.userNS && id >= 1<<24 {
				return base + (id-1<<24)%idRange
			}
			return base
		}
		return shift(uid), shift(gid)
	}
	for _, m := range in.spec.Mounts {
		if m.Own && m.Writable {
			if err := sandbox.ShiftOwner(m.Source, ids); err != nil {
				return fmt.Errorf("linuxns: own %s: %w", m.Target, err)
			}
		}
	}
	return nil
}
