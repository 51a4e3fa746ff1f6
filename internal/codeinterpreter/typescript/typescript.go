// Package typescript transpiles TypeScript to JavaScript in process with
// esbuild's Go API, for the code interpreter (which gets it injected: the
// esbuild package links an HTTP server, and services stay free of net/http).
package typescript

import (
	"fmt"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Transpile turns TypeScript into JavaScript in process (esbuild's Go API;
// types are erased, nothing is bundled or checked). On a syntax error it
// returns the compiler's messages instead ("" on success).
func Transpile(code string) (js, errMsg string) {
	res := api.Transform(code, api.TransformOptions{Loader: api.LoaderTS, Sourcefile: "code.ts", LogLevel: api.LogLevelSilent})
	if len(res.Errors) == 0 {
		return string(res.Code), ""
	}
	var b strings.Builder
	for _, m := range res.Errors {
		if l := m.Location; l != nil {
			fmt.Fprintf(&b, "%s:%d:%d: ERROR: %s\n", l.File, l.Line, l.Column+1, m.Text)
			if l.LineText != "" {
				fmt.Fprintf(&b, "    %s\n", l.LineText)
			}
			continue
		}
		fmt.Fprintf(&b, "ERROR: %s\n", m.Text)
	}
	return "", "TypeScript compilation failed:\n" + b.String()
}
