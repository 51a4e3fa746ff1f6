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
// over at once. Its liveness is its row in the node registry
// (cluster.go), under the same name.
func (s *Server) startLeases() (*lease.Leases, error) {
	id, err := nodeID(s.cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s.node = id
	// Leases are per process (two processes never share one, even with
	// the same --data-dir and host).
	l := lease.New(s.kv, id+"/"+randomHex(4))
	s.closers.push("leases", l.ReleaseAll)
	return l, nil
}

// nodeAlive reports whether replica node still runs, by the node
// registry's rule for runtime session owners: its row changed within the
// lease and was not declared dead (store errors count as alive: nothing of
// it is terminated on a guess).
func (s *Server) nodeAlive(ctx context.Context, node string) bool {
	return s.cluster.ReplicaAlive(ctx, node)
}
