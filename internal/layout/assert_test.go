package layout

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/agentcore-dev/agentcore/"

// internalsOwners may look at their own concrete types: the runtime, the
// agent client and the sandbox drivers.
var internalsOwners = []string{"internal/runtime", "internal/agentclient", "internal/sandbox"}

// capabilityInterfaces are optional interfaces of sandbox drivers that the
// composition root probes for; asserting them is part of the driver API.
var capabilityInterfaces = map[string]bool{"sandbox.Availability": true, "sandbox.ImageDriver": true, "sandbox.Closer": true}

// TestNoAssertionsOnRuntimeInternals: outside the runtime, the agent client
// and the sandbox packages, no code type-asserts (or type-switches) to a
// type of those packages, e.g. inv.Conn.(*agentclient.Conn) or
// inst.(sandbox.Execer), and only the server imports the agent client.
// Others use the operations runtime offers (AgentConn.RoundTrip,
// DialWebSocket, Session.Exec).
func TestNoAssertionsOnRuntimeInternals(t *testing.T) {
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata" || owner(rel)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		checked++
		if importsAgentClient(t, p) && !strings.HasPrefix(rel, "internal/server/") {
			t.Errorf("%s imports internal/agentclient; only the server wires it in (as the runtime's Connector)", rel)
		}
		for _, bad := range internalsAssertions(t, p) {
			t.Errorf("%s: type assertion to %s; use the operations internal/runtime offers instead", rel, bad)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d files checked; is the walk rooted at the module?", checked)
	}
}

func importsAgentClient(t *testing.T, p string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	for _, im := range f.Imports {
		if path, _ := strconv.Unquote(im.Path.Value); path == module+"internal/agentclient" {
			return true
		}
	}
	return false
}

func owner(rel string) bool {
	for _, o := range internalsOwners {
		if rel == o || strings.HasPrefix(rel, o+"/") {
			return true
		}
	}
	return false
}

// internalsAssertions lists the asserted types of file p that belong to an
// owner package.
func internalsAssertions(t *testing.T, p string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	owned := map[string]bool{} // local import names of owner packages
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		if !strings.HasPrefix(path, module) || !owner(strings.TrimPrefix(path, module)) {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		owned[name] = true
	}
	if len(owned) == 0 {
		return nil
	}
	var bad []string
	check := func(typ ast.Expr) {
		if star, ok := typ.(*ast.StarExpr); ok {
			typ = star.X
		}
		sel, ok := typ.(*ast.SelectorExpr)
		if !ok {
			return
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok || !owned[pkg.Name] {
			return
		}
		if name := pkg.Name + "." + sel.Sel.Name; !capabilityInterfaces[name] {
			bad = append(bad, name)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.TypeAssertExpr:
			if n.Type != nil { // nil: the x.(type) of a type switch
				check(n.Type)
			}
		case *ast.TypeSwitchStmt:
			for _, c := range n.Body.List {
				for _, typ := range c.(*ast.CaseClause).List {
					check(typ)
				}
			}
		}
		return true
	})
	return bad
}
