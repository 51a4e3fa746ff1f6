package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	smithy "github.com/aws/smithy-go"
	"github.com/spf13/cobra"
)

// serviceCommands are the verbs that manage the services other than the
// runtime: memory, gateway, identity and policy.
func serviceCommands() []*cobra.Command {
	return []*cobra.Command{newMemoryCmd(), newGatewayCmd(), newIdentityCmd(), newPolicyCmd()}
}

func newMemoryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "memory",
		Short: "Create memories, write and list their events, list and search their records",
		Long: `AgentCore Memory: a memory keeps events (what actors said in sessions) and the
long-term records its strategies extract from them. These verbs use the AWS API
(bedrock-agentcore-control CreateMemory/ListMemories/GetMemory/DeleteMemory;
bedrock-agentcore CreateEvent/ListEvents/ListMemoryRecords/RetrieveMemoryRecords).`,
	}
	cmd.AddCommand(newMemoryCreateCmd(), newMemoryListCmd(), newMemoryGetCmd(), newMemoryDeleteCmd(),
		newMemoryEventsCmd(), newMemoryRecordsCmd(), newMemorySearchCmd(), newMemoryFetchModelCmd())
	return cmd
}

// memoryStrategy reads TYPE[=NAME] of --strategy.
func memoryStrategy(spec string) (ctltypes.MemoryStrategyInput, error) {
	typ, name, _ := strings.Cut(spec, "=")
	typ = strings.ToLower(strings.ReplaceAll(typ, "_", "-"))
	if name == "" {
		name = strings.ReplaceAll(typ, "-", "_")
	}
	n := aws.String(name)
	switch typ {
	case "semantic":
		return &ctltypes.MemoryStrategyInputMemberSemanticMemoryStrategy{Value: ctltypes.SemanticMemoryStrategyInput{Name: n}}, nil
	case "summary":
		return &ctltypes.MemoryStrategyInputMemberSummaryMemoryStrategy{Value: ctltypes.SummaryMemoryStrategyInput{Name: n}}, nil
	case "user-preference":
		return &ctltypes.MemoryStrategyInputMemberUserPreferenceMemoryStrategy{Value: ctltypes.UserPreferenceMemoryStrategyInput{Name: n}}, nil
	case "episodic":
		return &ctltypes.MemoryStrategyInputMemberEpisodicMemoryStrategy{Value: ctltypes.EpisodicMemoryStrategyInput{Name: n}}, nil
	}
	return nil, fmt.Errorf("--strategy %q: want semantic, summary, user-preference or episodic (optionally =NAME)", spec)
}

func newMemoryCreateCmd() *cobra.Command {
	var (
		co         clientOpts
		strategies []string
		days       int32
		desc       string
		noWait     bool
	)
	cmd := &cobra.Command{
		Use:   "create NAME [--strategy TYPE[=NAME]]... [--event-expiry-days N]",
		Short: "Create a memory (CreateMemory) and wait until it is ACTIVE",
		Example: `  agentcore memory create support_memory --strategy semantic --strategy summary
  agentcore memory create notes --event-expiry-days 30 --no-wait`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := &ctl.CreateMemoryInput{Name: aws.String(args[0]), EventExpiryDuration: aws.Int32(days)}
			if desc != "" {
				in.Description = aws.String(desc)
			}
			for _, s := range strategies {
				st, err := memoryStrategy(s)
				if err != nil {
					return err
				}
				in.MemoryStrategies = append(in.MemoryStrategies, st)
			}
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			out, err := c.control.CreateMemory(ctx, in)
			if err != nil {
				return apiError(err)
			}
			m := out.Memory
			if !noWait && m != nil && m.Status == ctltypes.MemoryStatusCreating {
				if m, err = waitMemory(ctx, c, aws.ToString(m.Id)); err != nil {
					return err
				}
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), &ctl.GetMemoryOutput{Memory: m})
			}
			id := aws.ToString(m.Id)
			fmt.Fprintf(cmd.OutOrStdout(), "Created memory %s (%s)\nARN: %s\n", id, m.Status, aws.ToString(m.Arn))
			fmt.Fprintf(cmd.OutOrStdout(), "Next:\n  agentcore memory events put --memory %s --actor user1 --session session1 'I prefer window seats'\n  agentcore memory events list --memory %s --actor user1 --session session1\n", id, id)
			return nil
		},
	}
	co.addFlags(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&strategies, "strategy", nil, "long-term strategy TYPE[=NAME]: semantic, summary, user-preference or episodic; repeat for several")
	f.Int32Var(&days, "event-expiry-days", 90, "days events are kept (3-365)")
	f.StringVar(&desc, "description", "", "description")
	f.BoolVar(&noWait, "no-wait", false, "return at once instead of waiting for ACTIVE")
	return cmd
}

// waitMemory polls GetMemory until the memory is no longer CREATING.
func waitMemory(ctx context.Context, c *clients, id string) (*ctltypes.Memory, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	for {
		out, err := c.control.GetMemory(ctx, &ctl.GetMemoryInput{MemoryId: aws.String(id)})
		if err != nil {
			return nil, apiError(err)
		}
		switch out.Memory.Status {
		case ctltypes.MemoryStatusCreating:
		case ctltypes.MemoryStatusFailed:
			return nil, fmt.Errorf("memory %s failed: %s", id, aws.ToString(out.Memory.FailureReason))
		default:
			return out.Memory, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("memory %s is still CREATING: %w", id, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func newMemoryListCmd() *cobra.Command {
	return newListCmd("List memories (ListMemories)", "ID\tSTATUS\tCREATED\tARN",
		func(ctx context.Context, c *clients) ([]ctltypes.MemorySummary, smithy.Serializable, error) {
			items, err := collect(ctx, ctl.NewListMemoriesPaginator(c.control, &ctl.ListMemoriesInput{}),
				func(p *ctl.ListMemoriesOutput) []ctltypes.MemorySummary { return p.Memories })
			return items, &ctl.ListMemoriesOutput{Memories: items}, err
		},
		func(m ctltypes.MemorySummary) string {
			return fmt.Sprintf("%s\t%s\t%s\t%s", aws.ToString(m.Id), m.Status, fmtTime(m.CreatedAt), aws.ToString(m.Arn))
		})
}

func newMemoryGetCmd() *cobra.Command {
	var co clientOpts
	cmd := &cobra.Command{
		Use:     "get MEMORY_ID",
		Aliases: []string{"show"},
		Short:   "Show a memory and its strategies (GetMemory)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			out, err := c.control.GetMemory(ctx, &ctl.GetMemoryInput{MemoryId: aws.String(args[0])})
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			m := out.Memory
			w := table(cmd, "Name:\t"+aws.ToString(m.Name))
			fmt.Fprintf(w, "ID:\t%s\nARN:\t%s\nStatus:\t%s\nEvent expiry:\t%d days\nCreated:\t%s\n", aws.ToString(m.Id), aws.ToString(m.Arn),
				m.Status, aws.ToInt32(m.EventExpiryDuration), fmtTime(m.CreatedAt))
			w.Flush()
			if len(m.Strategies) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "Strategies: none (short-term events only)")
				return nil
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Strategies:")
			w = table(cmd, "  ID\tNAME\tTYPE\tSTATUS\tNAMESPACES")
			for _, s := range m.Strategies {
				fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", aws.ToString(s.StrategyId), aws.ToString(s.Name), s.Type, s.Status, strings.Join(s.Namespaces, ","))
			}
			return w.Flush()
		},
	}
	co.addFlags(cmd)
	return cmd
}

func newMemoryDeleteCmd() *cobra.Command {
	var co clientOpts
	cmd := &cobra.Command{
		Use:   "delete MEMORY_ID",
		Short: "Delete a memory with its events and records (DeleteMemory)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			out, err := c.control.DeleteMemory(ctx, &ctl.DeleteMemoryInput{MemoryId: aws.String(args[0])})
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted memory %s (%s)\n", aws.ToString(out.MemoryId), out.Status)
			return nil
		},
	}
	co.addFlags(cmd)
	return cmd
}
