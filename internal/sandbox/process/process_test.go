package process_test

import (
	"testing"

	"github.com/agentcore-dev/agentcore/internal/sandbox/process"
	"github.com/agentcore-dev/agentcore/internal/sandbox/sandboxtest"
)

func TestConformance(t *testing.T) {
	sandboxtest.Run(t, process.New())
}
