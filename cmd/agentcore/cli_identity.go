package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	smithy "github.com/aws/smithy-go"
	"github.com/spf13/cobra"
)

func newIdentityCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "identity",
		Short: "Manage workload identities and the token vault's credential providers (OAuth2, API keys)",
		Long: `AgentCore Identity: workload identities name agents (every runtime gets one);
credential providers keep the OAuth2 clients and API keys agents use to reach
other services (GetResourceOauth2Token, GetResourceApiKey). Secrets are
write-only: no verb prints them. These verbs use the AWS API
(bedrock-agentcore-control).`,
	}
	cmd.AddCommand(newWorkloadsCmd(), newProvidersCmd())
	return cmd
}

func newWorkloadsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "workloads", Aliases: []string{"workload"}, Short: "Create, list and delete workload identities"}
	cmd.AddCommand(newWorkloadCreateCmd(), newWorkloadListCmd(), newWorkloadDeleteCmd())
	return cmd
}

func newWorkloadCreateCmd() *cobra.Command {
	var (
		co         clientOpts
		returnURLs []string
	)
	cmd := &cobra.Command{
		Use:     "create NAME [--return-url URL]...",
		Short:   "Create a workload identity (CreateWorkloadIdentity)",
		Example: `  agentcore identity workloads create my_agent --return-url https://app.example.com/oauth/done`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			out, err := c.control.CreateWorkloadIdentity(ctx, &ctl.CreateWorkloadIdentityInput{Name: aws.String(args[0]), AllowedResourceOauth2ReturnUrls: returnURLs})
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created workload identity %s\nARN: %s\n", aws.ToString(out.Name), aws.ToString(out.WorkloadIdentityArn))
			fmt.Fprintf(cmd.OutOrStdout(), "Next: agents of this workload get tokens from credential providers:\n  agentcore identity providers create-api-key my_api --api-key-file key.txt\n")
			return nil
		},
	}
	co.addFlags(cmd)
	cmd.Flags().StringArrayVar(&returnURLs, "return-url", nil, "an allowed resourceOauth2ReturnUrl (where users land after OAuth consent); repeat for several")
	return cmd
}

func newWorkloadListCmd() *cobra.Command {
	return newListCmd("List workload identities (ListWorkloadIdentities)", "NAME\tARN",
		func(ctx context.Context, c *clients) ([]ctltypes.WorkloadIdentityType, smithy.Serializable, error) {
			items, err := collect(ctx, ctl.NewListWorkloadIdentitiesPaginator(c.control, &ctl.ListWorkloadIdentitiesInput{}),
				func(p *ctl.ListWorkloadIdentitiesOutput) []ctltypes.WorkloadIdentityType { return p.WorkloadIdentities })
			return items, &ctl.ListWorkloadIdentitiesOutput{WorkloadIdentities: items}, err
		},
		func(wi ctltypes.WorkloadIdentityType) string {
			return aws.ToString(wi.Name) + "\t" + aws.ToString(wi.WorkloadIdentityArn)
		})
}

func newWorkloadDeleteCmd() *cobra.Command {
	var co clientOpts
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a workload identity (DeleteWorkloadIdentity)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			out, err := c.control.DeleteWorkloadIdentity(ctx, &ctl.DeleteWorkloadIdentityInput{Name: aws.String(args[0])})
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted workload identity %s\n", args[0])
			return nil
		},
	}
	co.addFlags(cmd)
	return cmd
}

// providerKind reads --type.
func providerKind(s string) (apiKey, oauth2 bool, err error) {
	switch strings.ToLower(s) {
	case "":
		return true, true, nil
	case "api-key", "apikey":
		return true, false, nil
	case "oauth2":
		return false, true, nil
	}
	return false, false, fmt.Errorf("--type %q: want api-key or oauth2", s)
}
