// Package builtins decides which sandbox drivers ship in the binary: the
// one place driver packages are imported for their registration.
package builtins

import (
	_ "github.com/agentcore-dev/agentcore/internal/sandbox/gvisor"  // runsc (gVisor, ptrace platform)
	_ "github.com/agentcore-dev/agentcore/internal/sandbox/linuxns" // Linux namespaces + cgroups + seccomp
	_ "github.com/agentcore-dev/agentcore/internal/sandbox/process" // development driver, no isolation
)

// AutoOrder is the order "--sandbox auto" tries drivers in: strongest first.
var AutoOrder = []string{"gvisor", "linuxns", "process"}
