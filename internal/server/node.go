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
// --data-dir/node-id so a restarted replica knows the work it owned
// (e.g. batch evaluations its previous run left unfinished).
func nodeID(dataDir string) (string, error) {
	p := filepath.Join(dataDir, "node-id")
	if b, err := os.ReadFile(p); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	host, _ := os.Hostname()
	b := make([]byte, 6)
	rand.Read(b)
	id := strings.Trim(host+"-"+hex.EncodeToString(b), "-")
	if err := os.WriteFile(p, []byte(id+"\n"), 0o644); err != nil {
		return "", err
	}
	return id, nil
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
	l := lease.New(s.kv, id)
	s.closers.push("leases", func(ctx context.Context) error { return l.ReleaseAll(ctx) })
	return l, nil
}
