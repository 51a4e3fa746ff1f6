package server

import (
	"bufio"
	"context"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// startCluster registers this server in the node registry, which tells
// every server on the database which others are alive (the liveness of
// Code Interpreter and Browser sessions' replicas). With a cluster secret
// the servers are replicas: runtime sessions are then owned by one replica
// each and requests for sessions forwarded to their replica
// (internal/runtime/cluster.go, internal/httpapi/forward.go).
func (s *Server) startCluster(ctx context.Context, sessions *runtime.Sessions) (*runtime.Cluster, error) {
	adv := s.cfg.AdvertiseURL
	if adv == "" {
		adv = advertiseURL(s.url)
	}
	max := s.cfg.MaxSessions
	o := runtime.ClusterOptions{
		KV: s.kv, Name: s.node, URL: adv, Lease: s.cfg.NodeLease, Logger: s.cfg.Logger,
		Load: func() (int, int, int64) { return sessions.Count(), max, memAvailable() },
	}
	if s.replicated() {
		o.Fenced = func() {
			sessions.StopRuntimeSessions("fenced: another replica declared this server dead and took its sessions over")
		}
	}
	cl, err := runtime.StartCluster(ctx, o)
	if err != nil {
		return nil, err
	}
	s.closers.push("cluster", cl.Close) // runs after the runtime's closer: sessions release their rows first
	return cl, nil
}

// replicated reports whether this server is one of several replicas that
// own runtime sessions and forward requests (a cluster secret is set).
func (s *Server) replicated() bool { return s.cfg.ClusterSecret != "" }

// advertiseURL is the listener's URL, with this host's name in place of an
// unspecified address (0.0.0.0, ::).
func advertiseURL(listenURL string) string {
	u, err := url.Parse(listenURL)
	if err != nil {
		return listenURL
	}
	host, port, err := net.SplitHostPort(u.Host)
	if ip := net.ParseIP(host); err == nil && ip != nil && ip.IsUnspecified() {
		if name, herr := os.Hostname(); herr == nil {
			u.Host = net.JoinHostPort(name, port)
		}
	}
	return u.String()
}

// memAvailable is the host's available memory in bytes (0: unknown).
func memAvailable() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// Drain prepares a graceful exit (SIGTERM): the server takes no new
// sessions (other replicas get them) and ends its runtime sessions as their
// in-flight requests finish, within ctx; their owner rows are released, so
// their next requests start them elsewhere. Close follows.
func (s *Server) Drain(ctx context.Context) {
	if s.sessions == nil {
		return
	}
	t0 := time.Now()
	if s.replicated() {
		s.cluster.SetDraining(ctx)
	}
	n := s.sessions.Drain(ctx)
	s.cfg.Logger.Info("drained", "sessionsEnded", n, "left", s.sessions.Count(), "took", time.Since(t0))
}

// Cluster is the node registry membership.
func (s *Server) Cluster() *runtime.Cluster { return s.cluster }

// DrainTimeout is how long Drain may take (--drain-timeout).
func (s *Server) DrainTimeout() time.Duration { return s.cfg.DrainTimeout }
