package gvisor

import "github.com/agentcore-dev/agentcore/internal/sandbox"

// ContainerIDOf returns the runsc container id (and cgroup name) of in.
func ContainerIDOf(in sandbox.Instance) string { return in.(*instance).cid }

// Describe reports the platforms a runsc binary offers.
func Describe(path string) (platforms []string, err error) {
	_, platforms, _, err = describe(path)
	return platforms, err
}

// SavesHostinet reports whether a runsc binary can checkpoint host-network sandboxes.
func SavesHostinet(path string) bool { return savesHostinet(path) }
