package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/lease"
)

// nodeID names this server among replicas sharing a database: kept in
// --data-dir so a restarted replica knows the work it owned (e.g. batch
// evaluations its previous run left unfinished). The file is per host
// name, so replicas on several machines or pods sharing one --data-dir
// volume still get distinct ids.
func nodeID(dataDir string) (string, error) {
	host, _ := os.Hostname()
	host = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, host)
	p := filepath.Join(dataDir, "node-id."+host)
	if b, err := os.ReadFile(p); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	id := strings.Trim(host+"-"+randomHex(6), "-")
	if err := os.WriteFile(p, []byte(id+"\n"), 0o644); err != nil {
		return "", err
	}
	return id, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// startLeases gives this replica its leases on background jobs (run once
// across replicas); a stopping replica releases them so another takes
// over at once.
func (s *Server) startLeases() (*lease.Leases, error) {
	id, err := nodeID(s.cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s.node = id
	// Leases are per process (two processes never share one, even with
	// the same --data-dir and host).
	l := lease.New(s.kv, id+"/"+randomHex(4))
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.beat(ctx, l) }()
	s.closers.push("leases", func(ctx context.Context) error { stop(); <-done; return l.ReleaseAll(ctx) })
	return l, nil
}

// Node liveness: each replica holds the lease node/ID while it runs;
// others read it (nodeAlive) to tell a live replica's sessions from those
// of one that stopped.
const (
	nodeBeat = 10 * time.Second
	nodeTTL  = 3 * nodeBeat
)

func (s *Server) beat(ctx context.Context, l *lease.Leases) {
	t := time.NewTicker(nodeBeat)
	defer t.Stop()
	for {
		if _, err := l.Hold(ctx, "node/"+s.node, nodeTTL); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Warn("node liveness lease", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// nodeAlive reports whether replica node still runs: with a cluster
// registry, by its rule (a row changed within the lease and not declared
// dead, as for runtime session owners); else by the node lease (store
// errors count as alive: nothing of it is terminated on a guess).
func (s *Server) nodeAlive(ctx context.Context, node string) bool {
	if s.cluster != nil {
		return s.cluster.ReplicaAlive(ctx, node)
	}
	ok, err := s.leases.Live(ctx, "node/"+node)
	return ok || err != nil
}
