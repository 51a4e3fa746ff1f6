package main

import "github.com/spf13/cobra"

// addCLICommands registers the client verbs (configure, deploy, invoke, ...).
func addCLICommands(root *cobra.Command) {}
