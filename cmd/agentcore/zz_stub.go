package main

import "github.com/spf13/cobra"

func newGatewayCmd() *cobra.Command  { return &cobra.Command{Use: "gateway"} }
func newIdentityCmd() *cobra.Command { return &cobra.Command{Use: "identity"} }
func newPolicyCmd() *cobra.Command   { return &cobra.Command{Use: "policy"} }
