package server

import (
	"context"
	"path/filepath"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/artifact/localdir"
	"github.com/agentcore-dev/agentcore/internal/artifact/pgblob"
)

// openArtifacts opens the artifact store --artifact-store names: a
// directory in --data-dir (one server), or tables in the --database
// PostgreSQL that every replica shares.
func (s *Server) openArtifacts(ctx context.Context) (artifact.Store, error) {
	backend := s.cfg.ArtifactBackend()
	s.cfg.Logger.Info("artifact store", "store", backend)
	if backend == "postgres" {
		st, err := pgblob.Open(ctx, s.cfg.Database)
		if err != nil {
			return nil, err
		}
		s.closers.push("artifact store", func(context.Context) error { return st.Close() })
		return st, nil
	}
	return localdir.New(filepath.Join(s.cfg.DataDir, "artifacts"))
}
