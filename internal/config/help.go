package config

import (
	"fmt"
	"strings"
)

// Markdown is the README's table of server settings: every setting with its
// flag, environment variable, default and meaning (README.md keeps a copy
// that a test compares with this).
func Markdown() string {
	var b strings.Builder
	b.WriteString("| flag | environment | default | meaning |\n|---|---|---|---|\n")
	b.WriteString("| `--config` | | | " + configHelp + " |\n")
	for i := range settings {
		s := &settings[i]
		flag := "`--" + s.Key + "`"
		if s.NoFlag {
			flag = "(file: `" + s.Key + "`)"
		}
		env, def := "", ""
		if s.Env != "" {
			env = "`" + s.Env + "`"
		}
		if s.Default != "" {
			def = "`" + s.Default + "`"
		}
		if s.EnvDefault {
			def = "`$" + s.Env + "` at start"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", flag, env, def, strings.ReplaceAll(s.Help, "|", "\\|"))
	}
	return b.String()
}

// Precedence documents the order sources are merged in.
const Precedence = "Settings are merged in this order, later overriding earlier: defaults, the --config file, the environment, the flags."

// FlaglessHelp lists the settings that have no flag, one a line, for
// `agentcore server --help`.
func FlaglessHelp() string {
	var b strings.Builder
	for i := range settings {
		if s := &settings[i]; s.NoFlag {
			fmt.Fprintf(&b, "  %s (%s)\n      %s\n", s.Env, s.Key, s.Help)
		}
	}
	return b.String()
}
