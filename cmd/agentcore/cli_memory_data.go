package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/spf13/cobra"
)

// memOpts are the flags of the verbs on one memory's data.
type memOpts struct {
	co     clientOpts
	memory string
}

func (o *memOpts) addFlags(cmd *cobra.Command) {
	o.co.addFlags(cmd)
	cmd.Flags().StringVar(&o.memory, "memory", "", "memory id (`agentcore memory list` shows them)")
	cmd.MarkFlagRequired("memory") //nolint:errcheck // the flag exists
}

func newMemoryEventsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "events", Short: "Write and list a session's events (short-term memory)"}
	cmd.AddCommand(newMemoryEventsListCmd(), newMemoryEventsPutCmd())
	return cmd
}

func newMemoryEventsPutCmd() *cobra.Command {
	var (
		o              memOpts
		actor, session string
		role           string
	)
	cmd := &cobra.Command{
		Use:     "put --memory ID --actor A --session S [--role USER] TEXT",
		Short:   "Write one conversational event (CreateEvent)",
		Example: `  agentcore memory events put --memory notes-abc123 --actor user1 --session s1 'I prefer window seats'`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := o.co.connectHere(ctx)
			if err != nil {
				return err
			}
			out, err := c.data.CreateEvent(ctx, &bedrockagentcore.CreateEventInput{
				MemoryId: aws.String(o.memory), ActorId: aws.String(actor), SessionId: aws.String(session),
				EventTimestamp: aws.Time(time.Now()),
				Payload: []types.PayloadType{&types.PayloadTypeMemberConversational{Value: types.Conversational{
					Role: types.Role(strings.ToUpper(role)), Content: &types.ContentMemberText{Value: args[0]}}}},
			})
			if err != nil {
				return apiError(err)
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created event %s\n", aws.ToString(out.Event.EventId))
			return nil
		},
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&actor, "actor", "", "actor id (the user or agent the event belongs to)")
	f.StringVar(&session, "session", "", "session id")
	f.StringVar(&role, "role", "USER", "the speaker: USER, ASSISTANT, TOOL or OTHER")
	cmd.MarkFlagRequired("actor")   //nolint:errcheck // the flag exists
	cmd.MarkFlagRequired("session") //nolint:errcheck // the flag exists
	return cmd
}

func newMemoryEventsListCmd() *cobra.Command {
	var (
		o              memOpts
		actor, session string
	)
	cmd := &cobra.Command{
		Use:   "list --memory ID --actor A --session S",
		Short: "List a session's events, newest first (ListEvents)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := o.co.connectHere(ctx)
			if err != nil {
				return err
			}
			all := &bedrockagentcore.ListEventsOutput{Events: []types.Event{}}
			p := bedrockagentcore.NewListEventsPaginator(c.data, &bedrockagentcore.ListEventsInput{MemoryId: aws.String(o.memory),
				ActorId: aws.String(actor), SessionId: aws.String(session), IncludePayloads: aws.Bool(true)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return apiError(err)
				}
				all.Events = append(all.Events, page.Events...)
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), all)
			}
			w := table(cmd, "EVENT ID\tTIME\tROLE\tTEXT")
			for _, e := range all.Events {
				for _, pl := range e.Payload {
					role, text := "-", "(blob)"
					switch v := pl.(type) {
					case *types.PayloadTypeMemberConversational:
						role = string(v.Value.Role)
						if t, ok := v.Value.Content.(*types.ContentMemberText); ok {
							text = t.Value
						}
					case *types.PayloadTypeMemberJson:
						text = "(json)"
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", aws.ToString(e.EventId), fmtTime(e.EventTimestamp), role, oneLine(text, 100))
				}
			}
			return w.Flush()
		},
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&actor, "actor", "", "actor id")
	f.StringVar(&session, "session", "", "session id")
	cmd.MarkFlagRequired("actor")   //nolint:errcheck // the flag exists
	cmd.MarkFlagRequired("session") //nolint:errcheck // the flag exists
	return cmd
}

func newMemoryRecordsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "records", Short: "List and add long-term memory records"}
	cmd.AddCommand(newMemoryRecordsListCmd(), newMemoryRecordsAddCmd())
	return cmd
}

func newMemoryRecordsListCmd() *cobra.Command {
	var (
		o         memOpts
		namespace string
		strategy  string
	)
	cmd := &cobra.Command{
		Use:   "list --memory ID --namespace NS",
		Short: "List the records under a namespace (ListMemoryRecords)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := o.co.connectHere(ctx)
			if err != nil {
				return err
			}
			in := &bedrockagentcore.ListMemoryRecordsInput{MemoryId: aws.String(o.memory), Namespace: aws.String(namespace)}
			if strategy != "" {
				in.MemoryStrategyId = aws.String(strategy)
			}
			all := &bedrockagentcore.ListMemoryRecordsOutput{MemoryRecordSummaries: []types.MemoryRecordSummary{}}
			p := bedrockagentcore.NewListMemoryRecordsPaginator(c.data, in)
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return apiError(err)
				}
				all.MemoryRecordSummaries = append(all.MemoryRecordSummaries, page.MemoryRecordSummaries...)
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), all)
			}
			return printRecords(cmd, all.MemoryRecordSummaries, false)
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&namespace, "namespace", "/", "namespace (prefix) of the records")
	cmd.Flags().StringVar(&strategy, "strategy", "", "only records of this strategy id")
	return cmd
}

func newMemoryRecordsAddCmd() *cobra.Command {
	var (
		o         memOpts
		namespace string
	)
	cmd := &cobra.Command{
		Use:   "add --memory ID --namespace NS TEXT",
		Short: "Add a record directly, without extraction (BatchCreateMemoryRecords)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := o.co.connectHere(ctx)
			if err != nil {
				return err
			}
			out, err := c.data.BatchCreateMemoryRecords(ctx, &bedrockagentcore.BatchCreateMemoryRecordsInput{
				MemoryId: aws.String(o.memory), Records: []types.MemoryRecordCreateInput{{
					Content: &types.MemoryContentMemberText{Value: args[0]}, Namespaces: []string{namespace},
					RequestIdentifier: aws.String("cli-" + randomHex(8)), Timestamp: aws.Time(time.Now()),
				}}})
			if err != nil {
				return apiError(err)
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			for _, f := range out.FailedRecords {
				return fmt.Errorf("record not created: %s (%d)", aws.ToString(f.ErrorMessage), aws.ToInt32(f.ErrorCode))
			}
			for _, r := range out.SuccessfulRecords {
				fmt.Fprintf(cmd.OutOrStdout(), "Created record %s\n", aws.ToString(r.MemoryRecordId))
			}
			return nil
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&namespace, "namespace", "", "namespace of the record, e.g. /users/user1/")
	cmd.MarkFlagRequired("namespace") //nolint:errcheck // the flag exists
	return cmd
}

func newMemorySearchCmd() *cobra.Command {
	var (
		o         memOpts
		namespace string
		topK      int32
	)
	cmd := &cobra.Command{
		Use:     "search --memory ID --namespace NS QUERY",
		Short:   "Find the records most relevant to a query (RetrieveMemoryRecords)",
		Example: `  agentcore memory search --memory notes-abc123 --namespace /users/user1/ 'seating preference'`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := o.co.connectHere(ctx)
			if err != nil {
				return err
			}
			out, err := c.data.RetrieveMemoryRecords(ctx, &bedrockagentcore.RetrieveMemoryRecordsInput{
				MemoryId: aws.String(o.memory), Namespace: aws.String(namespace),
				SearchCriteria: &types.SearchCriteria{SearchQuery: aws.String(args[0]), TopK: aws.Int32(topK)},
			})
			if err != nil {
				return apiError(err)
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			return printRecords(cmd, out.MemoryRecordSummaries, true)
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&namespace, "namespace", "/", "namespace (prefix) to search")
	cmd.Flags().Int32Var(&topK, "top-k", 10, "how many records (1-100)")
	return cmd
}

func printRecords(cmd *cobra.Command, rs []types.MemoryRecordSummary, score bool) error {
	head := "RECORD ID\tNAMESPACES\tCREATED\tTEXT"
	if score {
		head = "SCORE\t" + head
	}
	w := table(cmd, head)
	for _, r := range rs {
		text := ""
		if t, ok := r.Content.(*types.MemoryContentMemberText); ok {
			text = t.Value
		}
		if score {
			fmt.Fprintf(w, "%.3f\t", aws.ToFloat64(r.Score))
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", aws.ToString(r.MemoryRecordId), strings.Join(r.Namespaces, ","), fmtTime(r.CreatedAt), oneLine(text, 80))
	}
	return w.Flush()
}
