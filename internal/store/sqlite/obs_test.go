package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/obstest"
	"github.com/agentcore-dev/agentcore/internal/store/sqlite"
)

func TestObservabilityConformance(t *testing.T) {
	obstest.Run(t, func(t *testing.T) observability.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "obs.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
