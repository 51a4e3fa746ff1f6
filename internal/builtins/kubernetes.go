//go:build !nokubernetes

package builtins

// The kubernetes driver: a pod per session (--sandbox kubernetes only,
// never auto). It brings client-go, about 50 MB of the binary: build with
// -tags nokubernetes to leave it out.
import _ "github.com/agentcore-dev/agentcore/internal/sandbox/kubernetes"
