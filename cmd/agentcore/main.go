// Command agentcore is the agentcore server and its CLI in one binary.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRoot().Execute(); err != nil {
		var code exitCodeError
		if errors.As(err, &code) { // the command's own exit code, already explained
			os.Exit(int(code))
		}
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "agentcore",
		Short:         "A self-hostable Amazon Bedrock AgentCore: server and CLI",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newServerCmd())
	addCLICommands(root)
	return root
}
