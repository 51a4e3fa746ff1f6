package pgblob_test

import (
	"context"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/artifact/artifacttest"
	"github.com/agentcore-dev/agentcore/internal/artifact/pgblob"
	"github.com/agentcore-dev/agentcore/internal/testenv"
)

func TestConformance(t *testing.T) {
	artifacttest.Run(t, func(t *testing.T) (artifact.Store, func() artifact.Store) {
		pg := testenv.Postgres(t, "pgblob")
		open := func() artifact.Store {
			s, err := pgblob.Open(context.Background(), pg.DSN)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		return open(), open
	}, artifacttest.Options{LargeBytes: 40 << 20})
}
