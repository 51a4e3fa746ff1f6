package server

import (
	"context"
	"path/filepath"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/artifact/localdir"
	"github.com/agentcore-dev/agentcore/internal/artifact/pgblob"
	"github.com/agentcore-dev/agentcore/internal/artifact/s3"
)

// openArtifacts opens the artifact store --artifact-store names: a
// directory in --data-dir (one server), tables in the --database
// PostgreSQL, or a bucket of an S3-compatible store (both shared by every
// replica).
func (s *Server) openArtifacts(ctx context.Context) (artifact.Store, error) {
	backend := s.cfg.ArtifactBackend()
	s.cfg.Logger.Info("artifact store", "store", backend)
	if backend == "s3" {
		return s3.Open(ctx, s.cfg.ArtifactStore)
	}
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
