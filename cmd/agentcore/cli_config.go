package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"
)

// configFile is the project configuration, kept in the project directory.
const configFile = ".agentcore.yaml"

// projectConfig is the content of .agentcore.yaml. configure writes the
// first group; deploy, invoke and destroy maintain the second.
type projectConfig struct {
	Name        string            `json:"name"`
	Entrypoint  string            `json:"entrypoint"`
	Runtime     string            `json:"runtime"`
	RoleARN     string            `json:"role_arn"`
	Protocol    string            `json:"protocol,omitempty"`
	Endpoint    string            `json:"endpoint,omitempty"`
	Region      string            `json:"region,omitempty"`
	Env         map[string]string `json:"env,omitempty"`
	IdleTimeout int               `json:"idle_timeout,omitempty"`
	MaxLifetime int               `json:"max_lifetime,omitempty"`
	// SessionStorage is filesystemConfigurations' sessionStorage.mountPath
	// (/mnt/NAME): each session's files, kept across stops.
	SessionStorage string `json:"session_storage,omitempty"`

	AgentID   string `json:"agent_id,omitempty"`
	AgentARN  string `json:"agent_arn,omitempty"`
	SessionID string `json:"session_id,omitempty"`
}

const defaultRoleARN = "arn:aws:iam::123456789012:role/AgentCoreRuntime"

var (
	validName      = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	validRuntimes  = []string{"PYTHON_3_10", "PYTHON_3_11", "PYTHON_3_12", "PYTHON_3_13", "PYTHON_3_14", "NODE_22"}
	validProtocols = []string{"HTTP", "MCP", "A2A", "AGUI"}
	// defaultEntries are tried, in order, when configure gets no --entrypoint.
	defaultEntries = []string{"agent.py", "main.py", "app.py", "agent.js", "index.js", "main.js", "bootstrap"}
)

// errNoConfig is returned when the current directory has no .agentcore.yaml.
var errNoConfig = errors.New("no " + configFile + " in this directory; run `agentcore configure` first")

// loadConfig reads dir/.agentcore.yaml, rejecting unknown keys. It returns
// errNoConfig (wrapped) when the file does not exist.
func loadConfig(dir string) (*projectConfig, error) {
	b, err := os.ReadFile(filepath.Join(dir, configFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoConfig
	}
	if err != nil {
		return nil, err
	}
	var pc projectConfig
	if err := yaml.UnmarshalStrict(b, &pc); err != nil {
		return nil, fmt.Errorf("%s: %w", configFile, err)
	}
	return &pc, nil
}

// loadConfigOptional is loadConfig for verbs that can work without one.
func loadConfigOptional(dir string) (*projectConfig, error) {
	pc, err := loadConfig(dir)
	if errors.Is(err, errNoConfig) {
		return nil, nil
	}
	return pc, err
}

func (pc *projectConfig) save(dir string) error {
	b, err := yaml.Marshal(pc)
	if err != nil {
		return err
	}
	b = append([]byte("# agentcore project configuration; see `agentcore configure --help`.\n"), b...)
	tmp := filepath.Join(dir, configFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, configFile))
}

// validate checks the fields configure sets, naming the offending flag.
func (pc *projectConfig) validate(dir string) error {
	if !validName.MatchString(pc.Name) {
		return fmt.Errorf("--name %q: must match [a-zA-Z][a-zA-Z0-9_]{0,47}", pc.Name)
	}
	if !slices.Contains(validRuntimes, pc.Runtime) {
		return fmt.Errorf("--runtime %q: must be one of %s", pc.Runtime, strings.Join(validRuntimes, ", "))
	}
	if pc.Protocol != "" && !slices.Contains(validProtocols, pc.Protocol) {
		return fmt.Errorf("--protocol %q: must be one of %s", pc.Protocol, strings.Join(validProtocols, ", "))
	}
	for flag, v := range map[string]int{"--idle-timeout": pc.IdleTimeout, "--max-lifetime": pc.MaxLifetime} {
		if v != 0 && (v < 60 || v > 28800) {
			return fmt.Errorf("%s %d: must be between 60 and 28800 seconds", flag, v)
		}
	}
	if !strings.HasPrefix(pc.RoleARN, "arn:") {
		return fmt.Errorf("--role-arn %q: not an ARN", pc.RoleARN)
	}
	return checkEntrypoint(dir, pc.Entrypoint)
}

func checkEntrypoint(dir, entry string) error {
	if entry == "" {
		return fmt.Errorf("no entry point: pass --entrypoint FILE (tried %s)", strings.Join(defaultEntries, ", "))
	}
	if filepath.IsAbs(entry) || strings.HasPrefix(filepath.Clean(entry), "..") {
		return fmt.Errorf("--entrypoint %q: must be a file inside the project directory", entry)
	}
	st, err := os.Stat(filepath.Join(dir, entry))
	if err != nil {
		return fmt.Errorf("--entrypoint %q: %w", entry, err)
	}
	if st.IsDir() {
		return fmt.Errorf("--entrypoint %q is a directory: build the agent into a binary in the project directory "+
			"(for Go: CGO_ENABLED=0 go build -o bootstrap .) and pass --entrypoint bootstrap", entry)
	}
	return nil
}

// sanitizeName turns a directory name into a valid agent runtime name.
func sanitizeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	n := b.String()
	if n == "" || !(n[0] >= 'a' && n[0] <= 'z' || n[0] >= 'A' && n[0] <= 'Z') {
		n = "agent_" + n
	}
	if len(n) > 48 {
		n = n[:48]
	}
	return n
}

// runtimeFor picks the managed runtime for an entry point: NODE_22 for
// JavaScript, else the Python of this machine's python3 (PYTHON_3_12 when
// there is none in range), as the server runs PYTHON_3_X agents with
// python3.X. Prebuilt binaries run as they are whatever the runtime says.
func runtimeFor(entry string) string {
	switch filepath.Ext(entry) {
	case ".js", ".mjs", ".cjs":
		return "NODE_22"
	}
	return localPython()
}

// localPython is PYTHON_3_X for the local python3.
var localPython = sync.OnceValue(func() string {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.version_info[1])").Output()
	if err != nil {
		return "PYTHON_3_12"
	}
	minor, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || minor < 10 || minor > 14 {
		return "PYTHON_3_12"
	}
	return "PYTHON_3_" + strconv.Itoa(minor)
})

func newConfigureCmd() *cobra.Command {
	var (
		fresh      projectConfig
		env        []string
		importFile string
		agent      string
	)
	cmd := &cobra.Command{
		Use:   "configure",
		Short: "Write " + configFile + " for the agent in the current directory",
		Long: `Writes (or updates) ` + configFile + ` in the current directory. Flags that are not
given keep their current value, or get a default on first use:

  name        the directory name, made valid ([a-zA-Z][a-zA-Z0-9_]{0,47})
  entrypoint  the first of ` + strings.Join(defaultEntries, ", ") + ` that exists
  runtime     NODE_22 for .js/.mjs/.cjs entry points, else the local python3's PYTHON_3_X
  role-arn    ` + defaultRoleARN + `

The entry point is a file in the project directory: a .py file runs with
python3, a .js file with node, and an executable file runs as it is. For a Go
agent (or any compiled one), build a binary into the project directory and
name it:

  CGO_ENABLED=0 go build -o bootstrap . && agentcore configure --entrypoint bootstrap

A project made with the AgentCore starter toolkit keeps its settings in
` + toolkitConfigFile + `: --import reads the agent's name, entry point
(file.py:handler becomes file.py), runtime_type, execution role, region,
server protocol and lifecycle timeouts from it (--agent picks one of several
agents), and says on stderr what it did not carry over.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			pc, err := loadConfigOptional(dir)
			if err != nil {
				return err
			}
			f := cmd.Flags()
			if f.Changed("import") {
				imported, notes, err := importToolkitConfig(dir, importFile, agent)
				if err != nil {
					return err
				}
				if pc != nil {
					imported.Endpoint = pc.Endpoint
				}
				pc = imported
				defer printNotes(cmd.ErrOrStderr(), notes)
			} else if f.Changed("agent") {
				return fmt.Errorf("--agent selects an agent of --import; pass --import too")
			}
			if pc == nil {
				pc = &projectConfig{Name: sanitizeName(filepath.Base(dir)), RoleARN: defaultRoleARN, Protocol: "HTTP"}
				if _, err := os.Stat(filepath.Join(dir, toolkitConfigFile)); err == nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "note: %s found; `agentcore configure --import` takes its settings\n", toolkitConfigFile)
				}
			}
			set := func(name string, dst *string, v string) {
				if f.Changed(name) {
					*dst = v
				}
			}
			set("name", &pc.Name, fresh.Name)
			set("entrypoint", &pc.Entrypoint, fresh.Entrypoint)
			set("runtime", &pc.Runtime, strings.ToUpper(fresh.Runtime))
			set("role-arn", &pc.RoleARN, fresh.RoleARN)
			set("endpoint", &pc.Endpoint, fresh.Endpoint)
			set("region", &pc.Region, fresh.Region)
			set("protocol", &pc.Protocol, strings.ToUpper(fresh.Protocol))
			set("session-storage", &pc.SessionStorage, fresh.SessionStorage)
			if f.Changed("idle-timeout") {
				pc.IdleTimeout = fresh.IdleTimeout
			}
			if f.Changed("max-lifetime") {
				pc.MaxLifetime = fresh.MaxLifetime
			}
			if pc.Entrypoint == "" {
				for _, e := range defaultEntries {
					if st, err := os.Stat(filepath.Join(dir, e)); err == nil && !st.IsDir() {
						pc.Entrypoint = e
						break
					}
				}
			}
			if pc.Runtime == "" {
				pc.Runtime = runtimeFor(pc.Entrypoint)
			}
			for _, kv := range env {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return fmt.Errorf("--env %q: want KEY=VALUE", kv)
				}
				if pc.Env == nil {
					pc.Env = map[string]string{}
				}
				pc.Env[k] = v
			}
			if err := pc.validate(dir); err != nil {
				return err
			}
			if err := pc.save(dir); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s: agent %s, entry point %s, runtime %s\n", configFile, pc.Name, pc.Entrypoint, pc.Runtime)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&fresh.Name, "name", "n", "", "agent runtime name")
	f.StringVarP(&fresh.Entrypoint, "entrypoint", "e", "", "entry point file (agent.py, index.js, or an executable such as bootstrap)")
	f.StringVar(&fresh.Runtime, "runtime", "", "managed runtime: "+strings.Join(validRuntimes, ", "))
	f.StringVar(&fresh.RoleARN, "role-arn", "", "execution role ARN")
	f.StringVar(&fresh.Endpoint, "endpoint", "", "agentcore server URL to store in the project")
	f.StringVar(&fresh.Region, "region", "", "AWS region to store in the project")
	f.StringArrayVar(&env, "env", nil, "environment variable KEY=VALUE for the agent (repeatable)")
	f.StringVar(&fresh.Protocol, "protocol", "", "server protocol: HTTP, MCP, A2A or AGUI (default HTTP)")
	f.IntVar(&fresh.IdleTimeout, "idle-timeout", 0, "idle session timeout in seconds (60-28800; default: the server's)")
	f.IntVar(&fresh.MaxLifetime, "max-lifetime", 0, "session max lifetime in seconds (60-28800; default: the server's)")
	f.StringVar(&fresh.SessionStorage, "session-storage", "", `mount path (/mnt/NAME) of each session's own storage, kept across stops and restarts ("" = none)`)
	f.StringVar(&importFile, "import", "", "take the settings of the starter toolkit's project file (--import=FILE for another file; default "+toolkitConfigFile+"); other flags given override them")
	f.Lookup("import").NoOptDefVal = toolkitConfigFile
	f.StringVar(&agent, "agent", "", "with --import: the agent of the file to import (default: its default_agent)")
	return cmd
}
