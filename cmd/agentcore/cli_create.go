package main

import (
	"bufio"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	agentcore "github.com/agentcore-dev/agentcore"
	"github.com/spf13/cobra"
)

// templateFS holds the project templates, one directory per template.
// Files are written as they are, except: a ".tmpl" suffix is dropped (it
// keeps Go tooling off the Go template's sources), "gitignore" becomes
// ".gitignore", and __AGENT_NAME__ is replaced by the agent's name.
//
//go:embed all:templates
var templateFS embed.FS

// projectTemplate describes one template of `agentcore create`.
type projectTemplate struct {
	Name, Summary string
	Entry         string // the .agentcore.yaml entry point
	Protocol      string
	Shared        []string // files of templates/_shared copied too
	Build         string   // a command to run before deploy, if any
	Invoke        string   // an example payload for the next steps
	GoSDK         bool     // copy the Go SDK into third_party/agentcore
}

var projectTemplates = []projectTemplate{
	{Name: "basic", Summary: "Python BedrockAgentCoreApp: a JSON reply and a streamed one (no model)",
		Entry: "agent.py", Protocol: "HTTP", Shared: []string{"conftest.py"}, Invoke: `'{"prompt": "hello"}'`},
	{Name: "strands", Summary: "Strands agent with a tool; model from an OpenAI-compatible endpoint",
		Entry: "agent.py", Protocol: "HTTP", Shared: []string{"conftest.py", "fake_openai.py"}, Invoke: `'{"prompt": "What is 6 times 7?"}'`},
	{Name: "langgraph", Summary: "LangGraph graph in a BedrockAgentCoreApp; model from an OpenAI-compatible endpoint",
		Entry: "agent.py", Protocol: "HTTP", Shared: []string{"conftest.py", "fake_openai.py"}, Invoke: `'{"prompt": "hello"}'`},
	{Name: "mcp", Summary: "MCP server over streamable HTTP (protocol MCP)",
		Entry: "server.py", Protocol: "MCP", Shared: []string{"conftest.py"}, Invoke: `'{"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}'`},
	{Name: "a2a", Summary: "A2A server (protocol A2A)",
		Entry: "agent.py", Protocol: "A2A", Shared: []string{"conftest.py"}, Invoke: `'hello'`},
	{Name: "go", Summary: "Go agent on the agentcore Go SDK, built to ./bootstrap",
		Entry: "bootstrap", Protocol: "HTTP", Build: "CGO_ENABLED=0 go build -o bootstrap .", Invoke: `'{"prompt": "hello"}'`, GoSDK: true},
}

func findTemplate(name string) *projectTemplate {
	for i := range projectTemplates {
		if projectTemplates[i].Name == name {
			return &projectTemplates[i]
		}
	}
	return nil
}

func templateNames() string {
	var names []string
	for _, t := range projectTemplates {
		names = append(names, t.Name)
	}
	return strings.Join(names, ", ")
}

func newCreateCmd() *cobra.Command {
	var (
		tmpl, dir            string
		list, nonInteractive bool
	)
	cmd := &cobra.Command{
		Use:   "create [NAME]",
		Short: "Create a new agent project from a template",
		Long: `Writes a new agent project into ./NAME (or --dir): the agent's code, its
requirements.txt (or go.mod), ` + configFile + `, a README with the next steps, a
.gitignore and a test of the agent. The directory must not exist or be empty.

Templates (` + "`agentcore create --list`" + `): ` + templateNames() + `.

Without --template (or without NAME) the command asks on stdin, unless
--non-interactive is given, which then takes the basic template. NAME is the
agent runtime name: [a-zA-Z][a-zA-Z0-9_]{0,47}.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if list {
				for _, t := range projectTemplates {
					fmt.Fprintf(out, "%-10s %s\n", t.Name, t.Summary)
				}
				return nil
			}
			in := &prompter{r: bufio.NewReader(cmd.InOrStdin()), echo: !isTerminal(cmd.InOrStdin())}
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			if name == "" {
				if nonInteractive {
					return errors.New("no project name: agentcore create NAME")
				}
				var err error
				if name, err = ask(out, in, "Project name: "); err != nil {
					return fmt.Errorf("no project name: agentcore create NAME (%w)", err)
				}
			}
			if !validName.MatchString(name) {
				return fmt.Errorf("name %q: must match [a-zA-Z][a-zA-Z0-9_]{0,47} (letters, digits and _, starting with a letter)", name)
			}
			if tmpl == "" {
				if nonInteractive {
					tmpl = "basic"
				} else {
					var err error
					if tmpl, err = chooseTemplate(out, in); err != nil {
						return err
					}
				}
			}
			t := findTemplate(tmpl)
			if t == nil {
				return fmt.Errorf("--template %q: must be one of %s", tmpl, templateNames())
			}
			if dir == "" {
				dir = name
			}
			if err := emptyDir(dir); err != nil {
				return err
			}
			files, err := writeProject(dir, name, t)
			if err != nil {
				return err
			}
			printNextSteps(out, dir, name, t, files)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&tmpl, "template", "t", "", "template: "+templateNames())
	f.StringVarP(&dir, "dir", "d", "", "project directory (default ./NAME)")
	f.BoolVar(&list, "list", false, "list the templates")
	f.BoolVar(&nonInteractive, "non-interactive", false, "never prompt (the template defaults to basic)")
	return cmd
}

// prompter reads answers; echo ends the prompt's line when the answer
// does not come from a terminal (which would have echoed it).
type prompter struct {
	r    *bufio.Reader
	echo bool
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// ask prints a prompt and reads one non-empty line.
func ask(out io.Writer, in *prompter, prompt string) (string, error) {
	fmt.Fprint(out, prompt)
	line, err := in.r.ReadString('\n')
	line = strings.TrimSpace(line)
	if in.echo {
		fmt.Fprintln(out, line)
	}
	if line == "" {
		if err == nil {
			err = errors.New("empty answer")
		}
		return "", err
	}
	return line, nil
}

// chooseTemplate lists the templates and reads a number (or a name).
func chooseTemplate(out io.Writer, in *prompter) (string, error) {
	fmt.Fprintln(out, "Templates:")
	for i, t := range projectTemplates {
		fmt.Fprintf(out, "  %d. %-10s %s\n", i+1, t.Name, t.Summary)
	}
	answer, err := ask(out, in, fmt.Sprintf("Choose a template [1-%d]: ", len(projectTemplates)))
	if err != nil {
		return "", fmt.Errorf("no template chosen: pass --template (%w)", err)
	}
	if n, err := strconv.Atoi(answer); err == nil {
		if n < 1 || n > len(projectTemplates) {
			return "", fmt.Errorf("choice %d: must be between 1 and %d", n, len(projectTemplates))
		}
		return projectTemplates[n-1].Name, nil
	}
	return answer, nil
}

// emptyDir accepts a directory that does not exist or has no entries.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("project directory %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("project directory %s exists and is not empty; choose another NAME or --dir", dir)
	}
	return nil
}

// writeProject writes the template's files and .agentcore.yaml; it returns
// the paths written, relative to dir.
func writeProject(dir, name string, t *projectTemplate) ([]string, error) {
	var files []string
	write := func(rel string, data []byte, mode fs.FileMode) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		files = append(files, rel)
		return os.WriteFile(p, data, mode)
	}
	copyTree := func(root string, only map[string]bool) error {
		return fs.WalkDir(templateFS, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel := strings.TrimPrefix(p, root+"/")
			if only != nil && !only[rel] {
				return nil
			}
			b, err := templateFS.ReadFile(p)
			if err != nil {
				return err
			}
			b = []byte(strings.ReplaceAll(string(b), "__AGENT_NAME__", name))
			rel = strings.TrimSuffix(rel, ".tmpl")
			if path.Base(rel) == "gitignore" {
				rel = path.Join(path.Dir(rel), ".gitignore")
			}
			return write(rel, b, 0o644)
		})
	}
	if err := copyTree("templates/"+t.Name, nil); err != nil {
		return nil, err
	}
	if len(t.Shared) > 0 {
		only := map[string]bool{}
		for _, s := range t.Shared {
			only[s] = true
		}
		if err := copyTree("templates/_shared", only); err != nil {
			return nil, err
		}
	}
	if t.GoSDK {
		if err := writeGoSDK(write); err != nil {
			return nil, err
		}
	}
	pc := &projectConfig{Name: name, Entrypoint: t.Entry, Runtime: localPython(), RoleARN: defaultRoleARN, Protocol: t.Protocol}
	if err := pc.save(dir); err != nil {
		return nil, err
	}
	return append(files, configFile), nil
}

// goSDKMod is the go.mod of the SDK copy a Go project builds against; its
// requirements are the SDK's own (checked against the repository's go.mod
// by TestGoTemplateInSync).
const goSDKMod = `// A copy of the agentcore Go SDK (package sdk), written by agentcore create.
// go.mod replaces github.com/agentcore-dev/agentcore with this directory.
module github.com/agentcore-dev/agentcore

go 1.26.0

require (
	github.com/coder/websocket v1.8.15
	github.com/google/uuid v1.6.0
)
`

// writeGoSDK copies the SDK's sources (no tests) to third_party/agentcore.
func writeGoSDK(write func(rel string, data []byte, mode fs.FileMode) error) error {
	if err := write("third_party/agentcore/go.mod", []byte(goSDKMod), 0o644); err != nil {
		return err
	}
	entries, err := fs.ReadDir(agentcore.SDKSource, "sdk")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		b, err := agentcore.SDKSource.ReadFile("sdk/" + e.Name())
		if err != nil {
			return err
		}
		if err := write("third_party/agentcore/sdk/"+e.Name(), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func printNextSteps(out io.Writer, dir, name string, t *projectTemplate, files []string) {
	fmt.Fprintf(out, "Created %s project %q in %s (%d files; agent runtime %s, protocol %s)\n", t.Name, name, dir, len(files), name, t.Protocol)
	fmt.Fprintln(out, "Next steps:")
	fmt.Fprintf(out, "  cd %s\n", dir)
	if t.Build != "" {
		fmt.Fprintf(out, "  %s\n", t.Build)
	}
	fmt.Fprintln(out, "  agentcore dev                 # run it here, restarted on every change (see README.md)")
	fmt.Fprintln(out, "  agentcore deploy              # package it and create the agent runtime on the server")
	fmt.Fprintf(out, "  agentcore invoke %s\n", t.Invoke)
	fmt.Fprintln(out, "  agentcore destroy             # delete the agent runtime")
}
