package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
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
func (o *ciOpts) invoke(ctx context.Context, cmd *cobra.Command, c *clients, session string, name types.ToolName, args *types.ToolArguments, p *resultPrinter) error {
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

func newCIRunCmd() *cobra.Command {
	var o ciOpts
	var language, images string
	var clear bool
	cmd := &cobra.Command{
		Use:   "run [FILE|-]",
		Short: "Run a file (or stdin) in a code interpreter session (executeCode)",
		Long: `Runs FILE, or standard input when FILE is "-" or missing, with executeCode and
prints what the code wrote to stdout and stderr. The command exits with the
code's exit code (1 for an uncaught exception).

The language is --language, else the file's extension (.py, .js/.mjs/.cjs,
.ts/.mts), else python. Without --session a session is started for the run and
stopped afterwards; --keep leaves it running and prints its id, so later runs
with --session see the same variables (the kernel keeps each language's state
between calls). Images the code produces (open matplotlib figures) are saved
into --images DIR.`,
		Example: `  agentcore code-interpreter run analysis.py
  echo 'console.log(6 * 7)' | agentcore code-interpreter run --language javascript
  agentcore code-interpreter run --keep setup.py     # prints Session: ID
  agentcore code-interpreter run --session ID - <<< 'print(df.describe())'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := "-"
			if len(args) == 1 {
				file = args[0]
			}
			code, err := readCode(file, cmd.InOrStdin())
			if err != nil {
				return err
			}
			lang, err := codeLanguage(language, file)
			if err != nil {
				return err
			}
			p := &resultPrinter{stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr(), images: images}
			return o.withSession(cmd, func(ctx context.Context, c *clients, session string) error {
				a := &types.ToolArguments{Code: aws.String(code), Language: lang}
				if clear {
					a.ClearContext = aws.Bool(true)
				}
				return o.invoke(ctx, cmd, c, session, types.ToolNameExecuteCode, a, p)
			})
		},
	}
	o.addFlags(cmd, true)
	f := cmd.Flags()
	f.StringVarP(&language, "language", "l", "", "python, javascript or typescript (default: from the file's extension, else python)")
	f.BoolVar(&clear, "clear", false, "reset the language's state in the session before running")
	f.StringVar(&images, "images", "", "save image results (e.g. matplotlib figures) as PNG files in this directory")
	return cmd
}

func newCIExecCmd() *cobra.Command {
	var o ciOpts
	cmd := &cobra.Command{
		Use:   "exec [--session ID] -- COMMAND [ARG...]",
		Short: "Run a shell command in a code interpreter session (executeCommand)",
		Long: `Runs COMMAND with /bin/sh -c in the session's working directory and prints its
stdout and stderr; exits with its exit code. One argument is passed to the
shell as it is (so 'ls | wc -l' works); several are quoted and joined. Without
--session a session is started for the command and stopped afterwards
(unless --keep).`,
		Example: `  agentcore code-interpreter exec --session ID -- ls -la
  agentcore code-interpreter exec --session ID -- 'pip list | grep numpy'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			command := args[0]
			if len(args) > 1 {
				command = shellJoin(args)
			}
			p := &resultPrinter{stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr()}
			return o.withSession(cmd, func(ctx context.Context, c *clients, session string) error {
				return o.invoke(ctx, cmd, c, session, types.ToolNameExecuteCommand, &types.ToolArguments{Command: aws.String(command)}, p)
			})
		},
	}
	o.addFlags(cmd, true)
	return cmd
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
			if _, err := c.data.StopCodeInterpreterSession(cmd.Context(), &bedrockagentcore.StopCodeInterpreterSessionInput{
				CodeInterpreterIdentifier: aws.String(o.interpreter), SessionId: aws.String(o.session),
			}); err != nil {
				return apiError(err)
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
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SESSION ID\tNAME\tSTATUS\tCREATED")
			in := &bedrockagentcore.ListCodeInterpreterSessionsInput{CodeInterpreterIdentifier: aws.String(o.interpreter),
				Status: types.CodeInterpreterSessionStatus(strings.ToUpper(status))}
			for {
				out, err := c.data.ListCodeInterpreterSessions(cmd.Context(), in)
				if err != nil {
					return apiError(err)
				}
				for _, s := range out.Items {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", aws.ToString(s.SessionId), aws.ToString(s.Name), s.Status,
						aws.ToTime(s.CreatedAt).Local().Format(time.DateTime))
				}
				if aws.ToString(out.NextToken) == "" {
					break
				}
				in.NextToken = out.NextToken
			}
			return w.Flush()
		},
	}
	o.co.addFlags(cmd)
	cmd.Flags().StringVar(&o.interpreter, "interpreter", builtinInterpreter, "code interpreter identifier")
	cmd.Flags().StringVar(&status, "status", "", "only sessions in this status: READY or TERMINATED")
	return cmd
}

// readCode reads FILE, or stdin for "-".
func readCode(file string, stdin io.Reader) (string, error) {
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return "", err
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return "", errors.New("no code to run (empty input)")
	}
	return string(b), nil
}

// codeLanguage picks the language from the flag or the file's extension.
func codeLanguage(flag, file string) (types.ProgrammingLanguage, error) {
	if flag != "" {
		l := types.ProgrammingLanguage(strings.ToLower(flag))
		for _, v := range l.Values() {
			if l == v {
				return l, nil
			}
		}
		return "", fmt.Errorf("--language %q: want python, javascript or typescript", flag)
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".js", ".mjs", ".cjs":
		return types.ProgrammingLanguageJavascript, nil
	case ".ts", ".mts", ".cts":
		return types.ProgrammingLanguageTypescript, nil
	}
	return types.ProgrammingLanguagePython, nil
}

// shellJoin quotes args for /bin/sh.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,/:@%") == "" {
			q[i] = a
		} else {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read does not fail
	return hex.EncodeToString(b)
}
