package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/spf13/cobra"
)

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
			p := &resultPrinter{stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr(), images: images, json: o.co.json(false)}
			return o.withSession(cmd, func(ctx context.Context, c *clients, session string) error {
				a := &types.ToolArguments{Code: aws.String(code), Language: lang}
				if clear {
					a.ClearContext = aws.Bool(true)
				}
				return o.invoke(ctx, c, session, types.ToolNameExecuteCode, a, p)
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
			p := &resultPrinter{stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr(), json: o.co.json(false)}
			return o.withSession(cmd, func(ctx context.Context, c *clients, session string) error {
				return o.invoke(ctx, c, session, types.ToolNameExecuteCommand, &types.ToolArguments{Command: aws.String(command)}, p)
			})
		},
	}
	o.addFlags(cmd, true)
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
