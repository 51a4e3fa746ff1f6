package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/spf13/cobra"
)

// builtinInterpreter is the code interpreter every account has.
const builtinInterpreter = "aws.codeinterpreter.v1"

func newCodeInterpreterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "code-interpreter",
		Aliases: []string{"ci"},
		Short:   "Run code and commands in code interpreter sessions; build the interpreter's environment",
		Long: `Code interpreter sessions are sandboxes with a stateful Python and JavaScript
(TypeScript) kernel, a shell and a working directory (AgentCore Code Interpreter).
These verbs use the same API as the AWS SDKs (StartCodeInterpreterSession,
InvokeCodeInterpreter, StopCodeInterpreterSession, ListCodeInterpreterSessions).

` + "`setup`" + ` builds the Python data libraries (numpy, pandas, matplotlib) the
server gives every session; run it once on the server's machine.`,
	}
	cmd.AddCommand(newCISetupCmd(), newCIRunCmd(), newCIExecCmd(), newCIStopCmd(), newCISessionsCmd())
	return cmd
}

// ciOpts are the flags of the verbs that talk to a session.
type ciOpts struct {
	co          clientOpts
	interpreter string
	session     string
	keep        bool
	timeout     int32
}

func (o *ciOpts) addFlags(cmd *cobra.Command, start bool) {
	o.co.addFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.interpreter, "interpreter", builtinInterpreter, "code interpreter identifier (the built-in one, or a custom interpreter's id)")
	if !start {
		f.StringVar(&o.session, "session", "", "code interpreter session id")
		cmd.MarkFlagRequired("session") //nolint:errcheck // the flag exists
		return
	}
	f.StringVar(&o.session, "session", "", "run in this existing session (default: start one, and stop it afterwards unless --keep)")
	f.BoolVar(&o.keep, "keep", false, "keep the session started for this call running and print its id")
	f.Int32Var(&o.timeout, "session-timeout", 900, "lifetime in seconds of a session started for this call (1-28800)")
}

// connect builds the clients (the project's endpoint and region apply when
// run in a project directory).
func (o *ciOpts) connect(ctx context.Context) (*clients, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	pc, err := loadConfigOptional(dir)
	if err != nil {
		return nil, err
	}
	return o.co.connect(ctx, pc)
}

// withSession runs fn in --session, or in a session started for it that is
// stopped afterwards unless --keep (then its id goes to stderr). An
// interrupt cancels fn's context; the session is stopped all the same.
func (o *ciOpts) withSession(cmd *cobra.Command, fn func(ctx context.Context, c *clients, session string) error) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	c, err := o.connect(ctx)
	if err != nil {
		return err
	}
	if o.session != "" {
		return fn(ctx, c, o.session)
	}
	out, err := c.data.StartCodeInterpreterSession(ctx, &bedrockagentcore.StartCodeInterpreterSessionInput{
		CodeInterpreterIdentifier: aws.String(o.interpreter),
		Name:                      aws.String("cli-" + randomHex(4)),
		SessionTimeoutSeconds:     aws.Int32(o.timeout),
	})
	if err != nil {
		return apiError(err)
	}
	session := aws.ToString(out.SessionId)
	err = fn(ctx, c, session)
	if o.keep {
		fmt.Fprintf(cmd.ErrOrStderr(), "Session: %s (kept; `agentcore code-interpreter stop --session %s` ends it)\n", session, session)
		return err
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(cmd.Context()), 30*time.Second)
	defer cancel()
	if _, serr := c.data.StopCodeInterpreterSession(sctx, &bedrockagentcore.StopCodeInterpreterSessionInput{
		CodeInterpreterIdentifier: aws.String(o.interpreter), SessionId: aws.String(session),
	}); serr != nil && err == nil {
		return fmt.Errorf("stopping session %s: %w", session, apiError(serr))
	}
	return err
}

// invoke calls one tool and prints its result; it returns an exitCodeError
// for a non-zero exit code.
func (o *ciOpts) invoke(ctx context.Context, c *clients, session string, name types.ToolName, args *types.ToolArguments, p *resultPrinter) error {
	// No retries: running code is not idempotent.
	out, err := c.data.InvokeCodeInterpreter(ctx, &bedrockagentcore.InvokeCodeInterpreterInput{
		CodeInterpreterIdentifier: aws.String(o.interpreter), SessionId: aws.String(session), Name: name, Arguments: args,
	}, func(o *bedrockagentcore.Options) { o.Retryer = aws.NopRetryer{} })
	if err != nil {
		return apiError(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	code := 0
	for ev := range stream.Events() {
		if r, ok := ev.(*types.CodeInterpreterStreamOutputMemberResult); ok {
			c, err := p.print(r.Value)
			if err != nil {
				return err
			}
			code = c
		}
	}
	if err := stream.Err(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return apiError(err)
	}
	if code != 0 {
		return exitCodeError(code)
	}
	return nil
}

func newCIStopCmd() *cobra.Command {
	var o ciOpts
	cmd := &cobra.Command{
		Use:   "stop --session ID",
		Short: "Stop a code interpreter session (StopCodeInterpreterSession)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd.Context())
			if err != nil {
				return err
			}
			out, err := c.data.StopCodeInterpreterSession(cmd.Context(), &bedrockagentcore.StopCodeInterpreterSessionInput{
				CodeInterpreterIdentifier: aws.String(o.interpreter), SessionId: aws.String(o.session),
			})
			if err != nil {
				return apiError(err)
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Stopped session %s\n", o.session)
			return nil
		},
	}
	o.addFlags(cmd, false)
	return cmd
}

func newCISessionsCmd() *cobra.Command {
	var o ciOpts
	var status string
	cmd := &cobra.Command{
		Use:   "sessions",
		Short: "List a code interpreter's sessions (ListCodeInterpreterSessions)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd.Context())
			if err != nil {
				return err
			}
			in := &bedrockagentcore.ListCodeInterpreterSessionsInput{CodeInterpreterIdentifier: aws.String(o.interpreter),
				Status: types.CodeInterpreterSessionStatus(strings.ToUpper(status))}
			all := &bedrockagentcore.ListCodeInterpreterSessionsOutput{Items: []types.CodeInterpreterSessionSummary{}}
			for {
				out, err := c.data.ListCodeInterpreterSessions(cmd.Context(), in)
				if err != nil {
					return apiError(err)
				}
				all.Items = append(all.Items, out.Items...)
				if aws.ToString(out.NextToken) == "" {
					break
				}
				in.NextToken = out.NextToken
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), all)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SESSION ID\tNAME\tSTATUS\tCREATED")
			for _, s := range all.Items {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", aws.ToString(s.SessionId), aws.ToString(s.Name), s.Status,
					aws.ToTime(s.CreatedAt).Local().Format(time.DateTime))
			}
			return w.Flush()
		},
	}
	o.co.addFlags(cmd)
	cmd.Flags().StringVar(&o.interpreter, "interpreter", builtinInterpreter, "code interpreter identifier")
	cmd.Flags().StringVar(&status, "status", "", "only sessions in this status: READY or TERMINATED")
	return cmd
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read does not fail
	return hex.EncodeToString(b)
}
