// Package agentcore holds the sources of the Go SDK (package sdk) so that
// the CLI can write them into a project it scaffolds (`agentcore create
// --template go`): the module is not published, so a generated project
// builds against this copy through a replace directive.
package agentcore

import "embed"

// SDKSource holds sdk/*.go (tests included; the CLI leaves them out).
//
//go:embed sdk/*.go
var SDKSource embed.FS
