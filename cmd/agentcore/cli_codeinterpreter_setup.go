package main

import (
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/codeinterpreter/environment"
	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/spf13/cobra"
)

func newCISetupCmd() *cobra.Command {
	var dataDir, envDir, python string
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Build the code interpreter's Python data libraries (numpy, pandas, matplotlib)",
		Long: `Installs the pinned Python data libraries that every code interpreter session can
import into the server's data directory with pip, for the Python the server
runs sessions with. Give it the same --data-dir, --code-interpreter-env and
--code-interpreter-python as the server. It runs pip with your pip configuration
(PIP_INDEX_URL, PIP_FIND_LINKS, ...), shows pip's output on stderr and prints
the environment's directory on stdout. The result is cached: run it again
after changing the Python; it does nothing when the environment is there.
Concurrent runs wait for one another.

Pinned: ` + strings.Join(environment.Packages, " "),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			root := envDir
			if root == "" {
				root = environment.Root(dataDir)
			}
			env, err := environment.Build(ctx, environment.Options{Dir: root, Python: python, Progress: cmd.ErrOrStderr()})
			if err != nil {
				return err
			}
			names := make([]string, 0, len(env.Installed))
			for n := range env.Installed {
				names = append(names, n)
			}
			sort.Strings(names)
			e := cmd.ErrOrStderr()
			fmt.Fprintf(e, "Python: %s (%s)\n", env.Python, env.PythonVersion)
			fmt.Fprintf(e, "Installed:")
			for _, n := range names {
				fmt.Fprintf(e, " %s==%s", n, env.Installed[n])
			}
			fmt.Fprintln(e)
			fmt.Fprintln(cmd.OutOrStdout(), env.Dir)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data-dir", config.Default().DataDir, "the server's --data-dir; the environment goes in DATA-DIR/codeinterpreter/env")
	f.StringVar(&envDir, "code-interpreter-env", "", "the server's --code-interpreter-env: build under this directory instead of the one in --data-dir")
	f.StringVar(&python, "code-interpreter-python", "python3", "the server's --code-interpreter-python: the Python sessions run (a pyenv shim is resolved to its interpreter)")
	return cmd
}
