package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/cedar-policy/cedar-go"
	"github.com/spf13/cobra"
)

// policyOpts are the flags of the verbs on one engine's policies.
type policyOpts struct {
	co     clientOpts
	engine string
}

func (o *policyOpts) addFlags(cmd *cobra.Command) {
	o.co.addFlags(cmd)
	cmd.Flags().StringVar(&o.engine, "engine", "", "policy engine (id, name or ARN)")
	cmd.MarkFlagRequired("engine") //nolint:errcheck // the flag exists
}

// connect builds the clients and resolves --engine to its id.
func (o *policyOpts) connect(ctx context.Context) (*clients, string, error) {
	c, err := o.co.connectHere(ctx)
	if err != nil {
		return nil, "", err
	}
	e, err := findEngine(ctx, c, o.engine)
	if err != nil {
		return nil, "", err
	}
	return c, aws.ToString(e.PolicyEngineId), nil
}

// createPolicy creates a policy and waits while it is CREATING (AWS
// validates asynchronously; this server at once). Errors are the SDK's.
func createPolicy(ctx context.Context, c *clients, in *ctl.CreatePolicyInput) (*ctl.CreatePolicyOutput, error) {
	out, err := c.control.CreatePolicy(ctx, in)
	if err != nil {
		return nil, err
	}
	for deadline := time.Now().Add(2 * time.Minute); out.Status == ctltypes.PolicyStatusCreating && time.Now().Before(deadline); {
		time.Sleep(250 * time.Millisecond)
		got, err := c.control.GetPolicy(ctx, &ctl.GetPolicyInput{PolicyEngineId: in.PolicyEngineId, PolicyId: out.PolicyId})
		if err != nil {
			return nil, err
		}
		out.Status, out.StatusReasons = got.Status, got.StatusReasons
	}
	return out, nil
}

func newPolicyCreateCmd() *cobra.Command {
	var (
		o          policyOpts
		name, mode string
		skip       bool
	)
	cmd := &cobra.Command{
		Use:   "create --engine ENGINE --name NAME FILE.cedar",
		Short: "Create a Cedar policy from a file (CreatePolicy)",
		Example: `  agentcore policy create --engine shop_rules --name small_refunds small_refunds.cedar
  agentcore policy create --engine shop_rules --name audit --mode LOG_ONLY audit.cedar`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			stmt, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, engine, err := o.connect(ctx)
			if err != nil {
				return err
			}
			in := &ctl.CreatePolicyInput{PolicyEngineId: aws.String(engine), Name: aws.String(name),
				Definition:      &ctltypes.PolicyDefinitionMemberCedar{Value: ctltypes.CedarPolicy{Statement: aws.String(string(stmt))}},
				EnforcementMode: ctltypes.EnforcementMode(strings.ToUpper(mode))}
			if skip {
				in.ValidationMode = ctltypes.PolicyValidationModeIgnoreAllFindings
			}
			out, err := createPolicy(ctx, c, in)
			if err != nil {
				return apiError(err)
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created policy %s (%s)\n", aws.ToString(out.PolicyId), out.Status)
			if out.Status == ctltypes.PolicyStatusCreateFailed {
				return fmt.Errorf("policy %s failed validation: %s", aws.ToString(out.PolicyId), strings.Join(out.StatusReasons, "; "))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Next: tool calls through gateways using engine %s are now checked; try\n  agentcore gateway call GATEWAY TOOL '{...}'\n", engine)
			return nil
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&name, "name", "", "policy name (letters, digits, underscores)")
	cmd.Flags().StringVar(&mode, "mode", "ACTIVE", "ACTIVE (decides) or LOG_ONLY (only recorded)")
	cmd.Flags().BoolVar(&skip, "skip-validation", false, "store the policy even if it does not validate against the gateways' schema")
	cmd.MarkFlagRequired("name") //nolint:errcheck // the flag exists
	return cmd
}

func newPolicyListCmd() *cobra.Command {
	var o policyOpts
	cmd := &cobra.Command{
		Use:   "list --engine ENGINE",
		Short: "List an engine's policies (ListPolicies)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, engine, err := o.connect(ctx)
			if err != nil {
				return err
			}
			items, err := collect(ctx, ctl.NewListPoliciesPaginator(c.control, &ctl.ListPoliciesInput{PolicyEngineId: aws.String(engine)}),
				func(p *ctl.ListPoliciesOutput) []ctltypes.Policy { return p.Policies })
			if err != nil {
				return err
			}
			all := &ctl.ListPoliciesOutput{Policies: items}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), all)
			}
			w := table(cmd, "ID\tNAME\tSTATUS\tMODE\tCREATED")
			for _, p := range all.Policies {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", aws.ToString(p.PolicyId), aws.ToString(p.Name), p.Status, p.EnforcementMode, fmtTime(p.CreatedAt))
			}
			return w.Flush()
		},
	}
	o.addFlags(cmd)
	return cmd
}

func newPolicyDeleteCmd() *cobra.Command {
	var o policyOpts
	cmd := &cobra.Command{
		Use:   "delete --engine ENGINE POLICY",
		Short: "Delete a policy, named by id or name (DeletePolicy)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, engine, err := o.connect(ctx)
			if err != nil {
				return err
			}
			id := args[0]
			p := ctl.NewListPoliciesPaginator(c.control, &ctl.ListPoliciesInput{PolicyEngineId: aws.String(engine)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return apiError(err)
				}
				for _, pol := range page.Policies {
					if aws.ToString(pol.Name) == args[0] {
						id = aws.ToString(pol.PolicyId)
					}
				}
			}
			out, err := c.control.DeletePolicy(ctx, &ctl.DeletePolicyInput{PolicyEngineId: aws.String(engine), PolicyId: aws.String(id)})
			if err != nil {
				return apiError(err)
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted policy %s (%s)\n", aws.ToString(out.PolicyId), out.Status)
			return nil
		},
	}
	o.addFlags(cmd)
	return cmd
}

// validation is the outcome of validating one policy of a file.
type validation struct {
	Policy string   `json:"policy"`
	Valid  bool     `json:"valid"`
	Errors []string `json:"errors"`
}

func newPolicyValidateCmd() *cobra.Command {
	var o policyOpts
	cmd := &cobra.Command{
		Use:   "validate --engine ENGINE FILE.cedar",
		Short: "Check each policy of a Cedar file against the engine's schema, as CreatePolicy does",
		Long: `Validates every policy in FILE against the engine (the schema generated from the
tools of the gateways that use it) and prints what the server finds. The API has
no dry run: each policy is created as a temporary LOG_ONLY policy (named
cli_validate_...), which never decides a call, and deleted at once. Exits 1 when
a policy is invalid.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			stmts := []string{string(b)} // one statement, or the server's parse error
			if ps, err := cedar.NewPolicyListFromBytes(args[0], b); err == nil && len(ps) > 1 {
				stmts = stmts[:0]
				for _, p := range ps {
					stmts = append(stmts, string(p.MarshalCedar()))
				}
			}
			ctx := cmd.Context()
			c, engine, err := o.connect(ctx)
			if err != nil {
				return err
			}
			results := make([]validation, 0, len(stmts))
			for _, s := range stmts {
				v, err := validatePolicy(ctx, c, engine, s)
				if err != nil {
					return err
				}
				results = append(results, v)
			}
			invalid := 0
			for i, r := range results {
				if !r.Valid {
					invalid++
				}
				if o.co.json(false) {
					continue
				}
				head := oneLine(r.Policy, 70)
				if r.Valid {
					fmt.Fprintf(cmd.OutOrStdout(), "policy %d (%s): valid\n", i+1, head)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "policy %d (%s): INVALID\n", i+1, head)
				for _, e := range r.Errors {
					fmt.Fprintf(cmd.OutOrStdout(), "  %s\n", e)
				}
			}
			if o.co.json(false) {
				if err := printJSON(cmd.OutOrStdout(), results); err != nil {
					return err
				}
			}
			if invalid > 0 {
				return fmt.Errorf("%d of %d policies in %s do not validate", invalid, len(results), args[0])
			}
			return nil
		},
	}
	o.addFlags(cmd)
	return cmd
}

// validatePolicy creates stmt as a temporary LOG_ONLY policy and deletes
// it: a ValidationException or a CREATE_FAILED status is its findings.
func validatePolicy(ctx context.Context, c *clients, engine, stmt string) (validation, error) {
	v := validation{Policy: stmt, Errors: []string{}}
	out, err := createPolicy(ctx, c, &ctl.CreatePolicyInput{PolicyEngineId: aws.String(engine), Name: aws.String("cli_validate_" + randomHex(6)),
		Definition:      &ctltypes.PolicyDefinitionMemberCedar{Value: ctltypes.CedarPolicy{Statement: aws.String(stmt)}},
		EnforcementMode: ctltypes.EnforcementModeLogOnly, ValidationMode: ctltypes.PolicyValidationModeFailOnAnyFindings})
	if code := errorCode(err); code == "ValidationException" {
		v.Errors = append(v.Errors, apiError(err).Error())
		return v, nil
	}
	if err != nil {
		return v, apiError(err)
	}
	if _, derr := c.control.DeletePolicy(ctx, &ctl.DeletePolicyInput{PolicyEngineId: aws.String(engine), PolicyId: out.PolicyId}); derr != nil {
		return v, fmt.Errorf("deleting the temporary policy %s: %w", aws.ToString(out.PolicyId), apiError(derr))
	}
	if out.Status == ctltypes.PolicyStatusCreateFailed {
		v.Errors = append(v.Errors, out.StatusReasons...)
		return v, nil
	}
	v.Valid = true
	return v, nil
}
