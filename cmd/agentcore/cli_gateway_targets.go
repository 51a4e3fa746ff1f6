package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/spf13/cobra"
)

func newGatewayTargetsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "targets",
		Short: "List, add and delete a gateway's targets",
	}
	cmd.AddCommand(newGatewayTargetsListCmd(), newGatewayTargetsAddCmd(), newGatewayTargetsDeleteCmd())
	return cmd
}

func newGatewayTargetsListCmd() *cobra.Command {
	var co clientOpts
	cmd := &cobra.Command{
		Use:   "list GATEWAY",
		Short: "List a gateway's targets (ListGatewayTargets)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			gw, err := gatewayID(ctx, c, args[0])
			if err != nil {
				return err
			}
			all, err := listTargets(ctx, c, gw)
			if err != nil {
				return err
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), all)
			}
			w := table(cmd, "ID\tNAME\tSTATUS\tCREATED\tDESCRIPTION")
			for _, t := range all.Items {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", aws.ToString(t.TargetId), aws.ToString(t.Name), t.Status, fmtTime(t.CreatedAt), oneLine(aws.ToString(t.Description), 60))
			}
			return w.Flush()
		},
	}
	co.addFlags(cmd)
	return cmd
}

func listTargets(ctx context.Context, c *clients, gw string) (*ctl.ListGatewayTargetsOutput, error) {
	items, err := collect(ctx, ctl.NewListGatewayTargetsPaginator(c.control, &ctl.ListGatewayTargetsInput{GatewayIdentifier: aws.String(gw)}),
		func(p *ctl.ListGatewayTargetsOutput) []ctltypes.TargetSummary { return p.Items })
	if err != nil {
		return nil, err
	}
	all := &ctl.ListGatewayTargetsOutput{Items: items}
	return all, nil
}

// targetConfig builds the target from --openapi or --mcp-server.
func targetConfig(openapi, mcpServer string) (ctltypes.TargetConfiguration, error) {
	var m ctltypes.McpTargetConfiguration
	switch {
	case (openapi == "") == (mcpServer == ""):
		return nil, errors.New("give one of --openapi FILE|s3://BUCKET/KEY or --mcp-server URL")
	case strings.HasPrefix(openapi, "s3://"):
		m = &ctltypes.McpTargetConfigurationMemberOpenApiSchema{Value: &ctltypes.ApiSchemaConfigurationMemberS3{Value: ctltypes.S3Configuration{Uri: aws.String(openapi)}}}
	case openapi != "":
		b, err := os.ReadFile(openapi)
		if err != nil {
			return nil, err
		}
		m = &ctltypes.McpTargetConfigurationMemberOpenApiSchema{Value: &ctltypes.ApiSchemaConfigurationMemberInlinePayload{Value: string(b)}}
	default:
		m = &ctltypes.McpTargetConfigurationMemberMcpServer{Value: ctltypes.McpServerTargetConfiguration{Endpoint: aws.String(mcpServer)}}
	}
	return &ctltypes.TargetConfigurationMemberMcp{Value: m}, nil
}

func newGatewayTargetsAddCmd() *cobra.Command {
	var (
		co                             clientOpts
		name, desc, openapi, mcpServer string
		apiKeyProvider, apiKeyHeader   string
	)
	cmd := &cobra.Command{
		Use:   "add GATEWAY --name NAME (--openapi FILE | --mcp-server URL)",
		Short: "Add an OpenAPI or MCP server target (CreateGatewayTarget)",
		Long: `Adds a target whose tools the gateway serves as NAME___TOOL: an OpenAPI 3 document
(a file sent inline, or s3://bucket/key in the server's artifact store; one tool
per operationId) or a remote MCP server (streamable HTTP; its tools are listed
now). --api-key-provider makes the gateway send an API key from the token vault
to an OpenAPI target.`,
		Example: `  agentcore gateway targets add tools --name pets --openapi petstore.json
  agentcore gateway targets add tools --name docs --mcp-server https://mcp.example.com/mcp`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tc, err := targetConfig(openapi, mcpServer)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			gw, err := gatewayID(ctx, c, args[0])
			if err != nil {
				return err
			}
			in := &ctl.CreateGatewayTargetInput{GatewayIdentifier: aws.String(gw), Name: aws.String(name), TargetConfiguration: tc}
			if desc != "" {
				in.Description = aws.String(desc)
			}
			if apiKeyProvider != "" {
				in.CredentialProviderConfigurations = []ctltypes.CredentialProviderConfiguration{{
					CredentialProviderType: ctltypes.CredentialProviderTypeApiKey,
					CredentialProvider: &ctltypes.CredentialProviderMemberApiKeyCredentialProvider{Value: ctltypes.GatewayApiKeyCredentialProvider{
						ProviderArn: aws.String(apiKeyProvider), CredentialLocation: ctltypes.ApiKeyCredentialLocationHeader,
						CredentialParameterName: aws.String(apiKeyHeader)}},
				}}
			}
			out, err := c.control.CreateGatewayTarget(ctx, in)
			if err != nil {
				return apiError(err)
			}
			status, reasons := out.Status, out.StatusReasons
			for deadline := time.Now().Add(time.Minute); (status == ctltypes.TargetStatusCreating || status == ctltypes.TargetStatusSynchronizing) && time.Now().Before(deadline); {
				time.Sleep(250 * time.Millisecond)
				got, err := c.control.GetGatewayTarget(ctx, &ctl.GetGatewayTargetInput{GatewayIdentifier: aws.String(gw), TargetId: out.TargetId})
				if err != nil {
					return apiError(err)
				}
				status, reasons = got.Status, got.StatusReasons
			}
			if co.json(false) {
				out.Status, out.StatusReasons = status, reasons
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created target %s (%s)\n", aws.ToString(out.TargetId), status)
			if status == ctltypes.TargetStatusFailed {
				return fmt.Errorf("target %s failed: %s", aws.ToString(out.TargetId), strings.Join(reasons, "; "))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Next:\n  agentcore gateway tools %s\n  agentcore gateway call %s %s___TOOL '{\"arg\": 1}'\n", gw, gw, name)
			return nil
		},
	}
	co.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "target name (tools are called NAME___TOOL)")
	f.StringVar(&desc, "description", "", "description")
	f.StringVar(&openapi, "openapi", "", "OpenAPI 3 document: a JSON or YAML file, or s3://BUCKET/KEY")
	f.StringVar(&mcpServer, "mcp-server", "", "URL of a streamable-HTTP MCP server")
	f.StringVar(&apiKeyProvider, "api-key-provider", "", "ARN of an API-key credential provider the gateway sends to the target")
	f.StringVar(&apiKeyHeader, "api-key-header", "Authorization", "with --api-key-provider: the header that carries the key")
	cmd.MarkFlagRequired("name") //nolint:errcheck // the flag exists
	return cmd
}

func newGatewayTargetsDeleteCmd() *cobra.Command {
	var co clientOpts
	cmd := &cobra.Command{
		Use:   "delete GATEWAY TARGET",
		Short: "Delete a target, named by id or name (DeleteGatewayTarget)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			gw, err := gatewayID(ctx, c, args[0])
			if err != nil {
				return err
			}
			all, err := listTargets(ctx, c, gw)
			if err != nil {
				return err
			}
			id := args[1]
			for _, t := range all.Items {
				if aws.ToString(t.Name) == id {
					id = aws.ToString(t.TargetId)
				}
			}
			out, err := c.control.DeleteGatewayTarget(ctx, &ctl.DeleteGatewayTargetInput{GatewayIdentifier: aws.String(gw), TargetId: aws.String(id)})
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted target %s (%s)\n", aws.ToString(out.TargetId), out.Status)
			return nil
		},
	}
	co.addFlags(cmd)
	return cmd
}
