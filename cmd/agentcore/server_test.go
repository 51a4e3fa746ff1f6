package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/config"
)

// TestServerHelpListsEverySetting: `agentcore server --help` is generated
// from internal/config: every flag with its variable and default, and the
// settings without a flag with their variable.
func TestServerHelpListsEverySetting(t *testing.T) {
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"server", "--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	for _, want := range []string{"--config string", config.Precedence} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	for _, s := range config.Settings() {
		var line string
		for _, l := range strings.Split(help, "\n") {
			l = strings.TrimSpace(l)
			if strings.HasPrefix(l, "--"+s.Key+" ") || (s.NoFlag && l == s.Env+" ("+s.Key+")") {
				line = l
				break
			}
		}
		switch {
		case line == "":
			t.Errorf("help does not list %s", s.Label())
		case !s.NoFlag && s.Env != "" && !strings.Contains(line, "[env "+s.Env+"]"):
			t.Errorf("help line of --%s does not name %s: %s", s.Key, s.Env, line)
		case !s.NoFlag && s.Default != "" && s.Default != "false" && !strings.Contains(line, s.Default):
			t.Errorf("help line of --%s does not show its default %s: %s", s.Key, s.Default, line)
		}
	}
}

// TestServerRejectsBadFlags: bad values stop the server before it starts,
// with one field error each.
func TestServerRejectsBadFlags(t *testing.T) {
	root := newRoot()
	root.SetArgs([]string{"server", "--listen", "nope", "--data-dir", t.TempDir(), "--session-idle-timeout", "-1s"})
	err := root.Execute()
	if err == nil || !strings.Contains(err.Error(), "config: --listen: ") || !strings.Contains(err.Error(), "config: --session-idle-timeout: ") {
		t.Fatalf("want field errors, got %v", err)
	}
}
