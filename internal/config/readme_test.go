package config_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/config"
)

var update = flag.Bool("update", false, "rewrite README.md's server settings table")

const (
	readmeBegin = "<!-- server-settings:begin -->\n"
	readmeEnd   = "<!-- server-settings:end -->"
)

// TestREADMEListsEverySetting: README's "Server" table is config.Markdown,
// so it names every flag, variable and default the server has.
func TestREADMEListsEverySetting(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, readmeBegin), strings.Index(s, readmeEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q section", readmeBegin, readmeEnd)
	}
	got, want := s[i+len(readmeBegin):j], config.Markdown()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(s[:i+len(readmeBegin)]+want+s[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's server settings differ from internal/config; run go test ./internal/config -run README -update\n--- README\n%s\n--- config\n%s", got, want)
}
