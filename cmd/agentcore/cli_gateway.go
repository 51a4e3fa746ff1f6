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

// defaultGatewayRole is the roleArn sent when --role-arn is not given: the
// local server does not assume it; AWS needs a real role.
const defaultGatewayRole = "arn:aws:iam:::role/agentcore-gateway"

func newGatewayCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gateway",
		Short: "Create MCP gateways, add OpenAPI and MCP-server targets, list and call their tools",
		Long: `AgentCore Gateway: one MCP endpoint per gateway in front of OpenAPI services,
Lambda functions and MCP servers (its targets). create/list/get/delete and
targets use the AWS API (bedrock-agentcore-control); tools and call are an MCP
client of the gateway's endpoint (its gatewayUrl), authenticated as the
gateway's authorizer asks: nothing for NONE, SigV4 for AWS_IAM, --token for
CUSTOM_JWT. A gateway may be named by its id or its name.`,
	}
	cmd.AddCommand(newGatewayCreateCmd(), newGatewayListCmd(), newGatewayGetCmd(), newGatewayDeleteCmd(),
		newGatewayTargetsCmd(), newGatewayToolsCmd(), newGatewayCallCmd())
	return cmd
}

// gatewayID resolves a gateway's id or name to its id (a reference that
// names no gateway is returned as it is, for the server to reject).
func gatewayID(ctx context.Context, c *clients, ref string) (string, error) {
	gws, err := collect(ctx, ctl.NewListGatewaysPaginator(c.control, &ctl.ListGatewaysInput{}),
		func(p *ctl.ListGatewaysOutput) []ctltypes.GatewaySummary { return p.Items })
	if err != nil {
		return "", err
	}
	for _, g := range gws {
		if aws.ToString(g.GatewayId) == ref || aws.ToString(g.Name) == ref {
			return aws.ToString(g.GatewayId), nil
		}
	}
	return ref, nil
}

func newGatewayCreateCmd() *cobra.Command {
	var (
		co                       clientOpts
		authorizer, role, desc   string
		discovery                string
		audiences, clientIDs     []string
		search                   bool
		policyEngine, policyMode string
	)
	cmd := &cobra.Command{
		Use:   "create NAME [--authorizer NONE|AWS_IAM|CUSTOM_JWT] [--search] [--policy-engine ARN]",
		Short: "Create an MCP gateway (CreateGateway)",
		Example: `  agentcore gateway create tools --authorizer NONE --search
  agentcore gateway create shop --authorizer CUSTOM_JWT --discovery-url https://idp.example.com/.well-known/openid-configuration --allowed-audience shop
  agentcore gateway create guarded --authorizer AWS_IAM --policy-engine arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine/rules-abc --policy-mode ENFORCE`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := &ctl.CreateGatewayInput{Name: aws.String(args[0]), RoleArn: aws.String(role), ProtocolType: ctltypes.GatewayProtocolTypeMcp,
				AuthorizerType: ctltypes.AuthorizerType(strings.ToUpper(authorizer))}
			if desc != "" {
				in.Description = aws.String(desc)
			}
			if in.AuthorizerType == ctltypes.AuthorizerTypeCustomJwt {
				in.AuthorizerConfiguration = &ctltypes.AuthorizerConfigurationMemberCustomJWTAuthorizer{Value: ctltypes.CustomJWTAuthorizerConfiguration{
					DiscoveryUrl: aws.String(discovery), AllowedAudience: audiences, AllowedClients: clientIDs}}
			}
			if search {
				in.ProtocolConfiguration = &ctltypes.GatewayProtocolConfigurationMemberMcp{Value: ctltypes.MCPGatewayConfiguration{SearchType: ctltypes.SearchTypeSemantic}}
			}
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			if policyEngine != "" {
				arn, err := policyEngineARN(ctx, c, policyEngine)
				if err != nil {
					return err
				}
				in.PolicyEngineConfiguration = &ctltypes.GatewayPolicyEngineConfiguration{Arn: aws.String(arn), Mode: ctltypes.GatewayPolicyEngineMode(strings.ToUpper(policyMode))}
			}
			out, err := c.control.CreateGateway(ctx, in)
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			id := aws.ToString(out.GatewayId)
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Created gateway %s (%s)\nARN: %s\nMCP endpoint: %s\n", id, out.Status, aws.ToString(out.GatewayArn), aws.ToString(out.GatewayUrl))
			fmt.Fprintf(w, "Next:\n  agentcore gateway targets add %s --name api --openapi openapi.json\n  agentcore gateway tools %s\n", id, id)
			return nil
		},
	}
	co.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&authorizer, "authorizer", "NONE", "who may call the tools: NONE, AWS_IAM (SigV4) or CUSTOM_JWT (OAuth bearer tokens)")
	f.StringVar(&discovery, "discovery-url", "", "CUSTOM_JWT: the identity provider's OpenID discovery URL")
	f.StringArrayVar(&audiences, "allowed-audience", nil, "CUSTOM_JWT: an accepted aud claim; repeat for several")
	f.StringArrayVar(&clientIDs, "allowed-client", nil, "CUSTOM_JWT: an accepted client_id; repeat for several")
	f.BoolVar(&search, "search", false, "add the semantic tool search tool (x_amz_bedrock_agentcore_search)")
	f.StringVar(&policyEngine, "policy-engine", "", "authorize tool calls with this policy engine (id, name or ARN)")
	f.StringVar(&policyMode, "policy-mode", "ENFORCE", "with --policy-engine: ENFORCE or LOG_ONLY")
	f.StringVar(&role, "role-arn", defaultGatewayRole, "IAM role the gateway assumes to reach its targets (AWS needs a real one)")
	f.StringVar(&desc, "description", "", "description")
	return cmd
}

func newGatewayListCmd() *cobra.Command {
	return newListCmd("List gateways (ListGateways)", "ID\tNAME\tSTATUS\tAUTHORIZER\tCREATED",
		func(ctx context.Context, c *clients) ([]ctltypes.GatewaySummary, smithy.Serializable, error) {
			items, err := collect(ctx, ctl.NewListGatewaysPaginator(c.control, &ctl.ListGatewaysInput{}),
				func(p *ctl.ListGatewaysOutput) []ctltypes.GatewaySummary { return p.Items })
			return items, &ctl.ListGatewaysOutput{Items: items}, err
		},
		func(g ctltypes.GatewaySummary) string {
			return fmt.Sprintf("%s\t%s\t%s\t%s\t%s", aws.ToString(g.GatewayId), aws.ToString(g.Name), g.Status, g.AuthorizerType, fmtTime(g.CreatedAt))
		})
}

func newGatewayGetCmd() *cobra.Command {
	var co clientOpts
	cmd := &cobra.Command{
		Use:     "get GATEWAY",
		Aliases: []string{"show"},
		Short:   "Show a gateway (GetGateway)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			id, err := gatewayID(ctx, c, args[0])
			if err != nil {
				return err
			}
			out, err := c.control.GetGateway(ctx, &ctl.GetGatewayInput{GatewayIdentifier: aws.String(id)})
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			w := table(cmd, "Name:\t"+aws.ToString(out.Name))
			fmt.Fprintf(w, "ID:\t%s\nARN:\t%s\nStatus:\t%s\nAuthorizer:\t%s\nMCP endpoint:\t%s\n", aws.ToString(out.GatewayId),
				aws.ToString(out.GatewayArn), out.Status, out.AuthorizerType, aws.ToString(out.GatewayUrl))
			if pe := out.PolicyEngineConfiguration; pe != nil {
				fmt.Fprintf(w, "Policy engine:\t%s (%s)\n", aws.ToString(pe.Arn), pe.Mode)
			}
			return w.Flush()
		},
	}
	co.addFlags(cmd)
	return cmd
}

func newGatewayDeleteCmd() *cobra.Command {
	var co clientOpts
	cmd := &cobra.Command{
		Use:   "delete GATEWAY",
		Short: "Delete a gateway without targets (DeleteGateway)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			id, err := gatewayID(ctx, c, args[0])
			if err != nil {
				return err
			}
			out, err := c.control.DeleteGateway(ctx, &ctl.DeleteGatewayInput{GatewayIdentifier: aws.String(id)})
			if errorCode(err) == "ConflictException" {
				return fmt.Errorf("%w\nList them with `agentcore gateway targets list %s`, delete each with `agentcore gateway targets delete %s TARGET`", apiError(err), id, id)
			}
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted gateway %s (%s)\n", aws.ToString(out.GatewayId), out.Status)
			return nil
		},
	}
	co.addFlags(cmd)
	return cmd
}
