package gvisor

import "github.com/agentcore-dev/agentcore/internal/sandbox"

// ContainerIDOf returns the runsc container id (and cgroup name) of in.
func ContainerIDOf(in sandbox.Instance) string { return in.(*instance).cid }

// Choice is what the driver's probe picked.
type Choice struct{ Path, Version, Platform, Network string }

// ChoiceOf returns the runsc binary, platform and network d's sessions use.
func ChoiceOf(d *Driver) (Choice, error) {
	c, err := d.config()
	return Choice{c.path, c.version, c.platform, c.network}, err
}

// Describe reports the platforms a runsc binary offers.
func Describe(path string) (platforms []string, err error) {
	_, platforms, _, err = describe(path)
	return platforms, err
}
