package gvisor

import (
	"fmt"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// ownMounts gives the agent (sandboxUID, inside and outside the sandbox:
// runsc maps no ids) the files of its Own mounts (session storage).
func ownMounts(s sandbox.Spec) error {
	for _, m := range s.Mounts {
		if m.Own && m.Writable {
			err := sandbox.ShiftOwner(m.Source, func(int, int) (int, int) { return sandboxUID, sandboxUID })
			if err != nil {
				return fmt.Errorf("gvisor: own %s: %w", m.Target, err)
			}
		}
	}
	return nil
}
