package sandbox

import (
	"path/filepath"
	"sort"
	"strings"
)

// BundlePath is where isolating drivers mount Spec.Dir inside the
// environment: a neutral path, so the agent learns nothing of the host's
// layout (the server's data directory in particular).
const BundlePath = "/opt/agentcore/bundle"

// Mount exposes the host directory Source at Target inside an isolated
// environment: read-only unless Writable.
type Mount struct {
	Source, Target string
	// Writable mounts are read-write (session storage, shared file
	// systems); the bind is nosuid and nodev. Isolating drivers mount them
	// for container images too (RootFS set).
	Writable bool
	// Own asks the driver to make Source and everything under it owned by
	// the agent (in the agent's own terms: root of its user namespace under
	// linuxns, its unprivileged user under gvisor) before the agent starts,
	// without following symbolic links (ShiftOwner). For a directory one
	// session uses at a time; shared directories keep their owners.
	Own bool
}

// Relocate returns spec as an isolating driver runs it, and the host
// directories to mount read-only where it expects them: Dir at BundlePath
// (first) and each of Mounts at its Target. Every occurrence of one of those
// host paths in Command, Env and WorkDir (as a whole path or a path prefix,
// delimited by the start or end of the string, "/", ":", "=", ",", ";",
// quotes or white space) is rewritten to the inside path, so callers keep
// describing sessions in host terms (as the process driver runs them).
// HostPaths are not moved: they are mounted at their own path (interpreters
// find their libraries by absolute path).
func Relocate(s Spec) (Spec, []Mount) {
	var ms []Mount
	if s.Dir != "" {
		ms = append(ms, Mount{Source: filepath.Clean(s.Dir), Target: BundlePath})
	}
	for _, m := range s.Mounts {
		if m.Source != "" && m.Target != "" {
			ms = append(ms, Mount{Source: filepath.Clean(m.Source), Target: filepath.Clean(m.Target), Writable: m.Writable, Own: m.Own})
		}
	}
	if len(ms) == 0 {
		return s, nil
	}
	order := longestFirst(ms)
	out := s
	out.Command = rewriteAll(s.Command, order)
	out.Env = rewriteAll(s.Env, order)
	out.WorkDir = rewrite(s.WorkDir, order)
	if s.Dir != "" {
		out.Dir = BundlePath
	}
	out.Mounts = nil
	return out, ms
}

// longestFirst orders mounts longest source first: a mount under another
// host path wins.
func longestFirst(ms []Mount) []Mount {
	order := append([]Mount(nil), ms...)
	sort.SliceStable(order, func(i, j int) bool { return len(order[i].Source) > len(order[j].Source) })
	return order
}

// RewritePath replaces the host paths of ms (as Relocate returns them) found
// in s by their targets (see Relocate for what counts as an occurrence).
func RewritePath(s string, ms []Mount) string {
	if s == "" || len(ms) == 0 {
		return s
	}
	return rewrite(s, longestFirst(ms))
}

func rewriteAll(xs []string, ms []Mount) []string {
	if xs == nil {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = rewrite(x, ms)
	}
	return out
}

func rewrite(s string, ms []Mount) string {
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		if i == 0 || pathDelim(s[i-1]) {
			if m, ok := matchMount(s[i:], ms); ok {
				b.WriteString(m.Target)
				i += len(m.Source)
				changed = true
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	if !changed {
		return s
	}
	return b.String()
}

func matchMount(s string, ms []Mount) (Mount, bool) {
	for _, m := range ms {
		if m.Source == "/" || !strings.HasPrefix(s, m.Source) {
			continue
		}
		if rest := s[len(m.Source):]; rest == "" || rest[0] == '/' || pathDelim(rest[0]) {
			return m, true
		}
	}
	return Mount{}, false
}

func pathDelim(c byte) bool {
	switch c {
	case ':', '=', ',', ';', '"', '\'', ' ', '\t', '\n':
		return true
	}
	return false
}
