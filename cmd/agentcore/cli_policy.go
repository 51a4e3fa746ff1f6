package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	smithy "github.com/aws/smithy-go"
	"github.com/spf13/cobra"
)

func newPolicyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Manage policy engines and their Cedar policies, which authorize gateway tool calls",
		Long: `AgentCore Policy: a policy engine holds Cedar policies; a gateway created with
--policy-engine asks it about every tools/call (action = the tool, resource =
the gateway, context.input = the arguments). Policies are validated against the
schema generated from the tools of the engine's gateways. These verbs use the
AWS API (bedrock-agentcore-control). An engine may be named by id, name or ARN.`,
	}
	cmd.AddCommand(newPolicyEnginesCmd(), newPolicyCreateCmd(), newPolicyListCmd(), newPolicyDeleteCmd(), newPolicyValidateCmd())
	return cmd
}

// findEngine resolves a policy engine's id, name or ARN. A reference that
// names no engine is asked of GetPolicyEngine as an id, so the error is the
// server's.
func findEngine(ctx context.Context, c *clients, ref string) (*ctltypes.PolicyEngine, error) {
	engines, err := collect(ctx, ctl.NewListPolicyEnginesPaginator(c.control, &ctl.ListPolicyEnginesInput{}),
		func(p *ctl.ListPolicyEnginesOutput) []ctltypes.PolicyEngine { return p.PolicyEngines })
	if err != nil {
		return nil, err
	}
	for i, e := range engines {
		if aws.ToString(e.PolicyEngineId) == ref || aws.ToString(e.Name) == ref || aws.ToString(e.PolicyEngineArn) == ref {
			return &engines[i], nil
		}
	}
	out, err := c.control.GetPolicyEngine(ctx, &ctl.GetPolicyEngineInput{PolicyEngineId: aws.String(ref)})
	if err != nil {
		return nil, apiError(err)
	}
	return &ctltypes.PolicyEngine{PolicyEngineId: out.PolicyEngineId, PolicyEngineArn: out.PolicyEngineArn, Name: out.Name}, nil
}

// policyEngineARN is the ARN of the engine ref.
func policyEngineARN(ctx context.Context, c *clients, ref string) (string, error) {
	e, err := findEngine(ctx, c, ref)
	if err != nil {
		return "", err
	}
	return aws.ToString(e.PolicyEngineArn), nil
}

func newPolicyEnginesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "engines", Aliases: []string{"engine"}, Short: "Create, list and delete policy engines"}
	cmd.AddCommand(newEngineCreateCmd(), newEngineListCmd(), newEngineDeleteCmd())
	return cmd
}

func newEngineCreateCmd() *cobra.Command {
	var co clientOpts
	var desc string
	cmd := &cobra.Command{
		Use:     "create NAME",
		Short:   "Create a policy engine (CreatePolicyEngine) and wait until it is ACTIVE",
		Example: `  agentcore policy engines create shop_rules`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			in := &ctl.CreatePolicyEngineInput{Name: aws.String(args[0])}
			if desc != "" {
				in.Description = aws.String(desc)
			}
			out, err := c.control.CreatePolicyEngine(ctx, in)
			if err != nil {
				return apiError(err)
			}
			id := aws.ToString(out.PolicyEngineId)
			status := out.Status
			for deadline := time.Now().Add(5 * time.Minute); status == ctltypes.PolicyEngineStatusCreating && time.Now().Before(deadline); {
				time.Sleep(250 * time.Millisecond)
				got, err := c.control.GetPolicyEngine(ctx, &ctl.GetPolicyEngineInput{PolicyEngineId: aws.String(id)})
				if err != nil {
					return apiError(err)
				}
				status, out.StatusReasons = got.Status, got.StatusReasons
			}
			out.Status = status
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Created policy engine %s (%s)\nARN: %s\n", id, status, aws.ToString(out.PolicyEngineArn))
			fmt.Fprintf(w, "Next:\n  agentcore gateway create GATEWAY --policy-engine %s\n  agentcore policy create --engine %s --name allow_reads allow_reads.cedar\n", id, id)
			return nil
		},
	}
	co.addFlags(cmd)
	cmd.Flags().StringVar(&desc, "description", "", "description")
	return cmd
}

func newEngineListCmd() *cobra.Command {
	return newListCmd("List policy engines (ListPolicyEngines)", "ID\tNAME\tSTATUS\tCREATED\tARN",
		func(ctx context.Context, c *clients) ([]ctltypes.PolicyEngine, smithy.Serializable, error) {
			items, err := collect(ctx, ctl.NewListPolicyEnginesPaginator(c.control, &ctl.ListPolicyEnginesInput{}),
				func(p *ctl.ListPolicyEnginesOutput) []ctltypes.PolicyEngine { return p.PolicyEngines })
			return items, &ctl.ListPolicyEnginesOutput{PolicyEngines: items}, err
		},
		func(e ctltypes.PolicyEngine) string {
			return fmt.Sprintf("%s\t%s\t%s\t%s\t%s", aws.ToString(e.PolicyEngineId), aws.ToString(e.Name), e.Status, fmtTime(e.CreatedAt), aws.ToString(e.PolicyEngineArn))
		})
}

func newEngineDeleteCmd() *cobra.Command {
	var co clientOpts
	cmd := &cobra.Command{
		Use:   "delete ENGINE",
		Short: "Delete a policy engine (DeletePolicyEngine)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			e, err := findEngine(ctx, c, args[0])
			if err != nil {
				return err
			}
			out, err := c.control.DeletePolicyEngine(ctx, &ctl.DeletePolicyEngineInput{PolicyEngineId: e.PolicyEngineId})
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted policy engine %s (%s)\n", aws.ToString(out.PolicyEngineId), out.Status)
			return nil
		},
	}
	co.addFlags(cmd)
	return cmd
}
