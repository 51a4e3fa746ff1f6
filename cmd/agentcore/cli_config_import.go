package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// toolkitConfigFile is the starter toolkit's project file (`agentcore
// configure` of bedrock-agentcore-starter-toolkit writes it).
const toolkitConfigFile = ".bedrock_agentcore.yaml"

// toolkitConfig is the part of .bedrock_agentcore.yaml that describes how an
// agent is deployed; everything else in the file (ECR, CodeBuild, S3,
// Cognito, memory bookkeeping) belongs to AWS resources and is ignored.
type toolkitConfig struct {
	DefaultAgent string                  `json:"default_agent"`
	WithIaC      bool                    `json:"is_agentcore_create_with_iac"`
	Agents       map[string]toolkitAgent `json:"agents"`
}

type toolkitAgent struct {
	Name           string `json:"name"`
	Language       string `json:"language"`
	Entrypoint     string `json:"entrypoint"`
	DeploymentType string `json:"deployment_type"`
	RuntimeType    string `json:"runtime_type"`
	SourcePath     string `json:"source_path"`
	AWS            struct {
		ExecutionRole string `json:"execution_role"`
		Region        string `json:"region"`
		Protocol      struct {
			ServerProtocol string `json:"server_protocol"`
		} `json:"protocol_configuration"`
		Lifecycle struct {
			Idle        int `json:"idle_runtime_session_timeout"`
			MaxLifetime int `json:"max_lifetime"`
		} `json:"lifecycle_configuration"`
	} `json:"aws"`
	Memory struct {
		Mode     string `json:"mode"`
		MemoryID string `json:"memory_id"`
	} `json:"memory"`
	APIKeyEnvVar string `json:"api_key_env_var_name"`
}

// importToolkitConfig reads a starter-toolkit file and returns the project
// configuration it describes for agent (the file's default agent when
// empty), with notes for the user about what was not carried over.
func importToolkitConfig(dir, file, agent string) (*projectConfig, []string, error) {
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, fmt.Errorf("--import: %w", err)
	}
	var tc toolkitConfig
	if err := yaml.Unmarshal(b, &tc); err != nil {
		return nil, nil, fmt.Errorf("--import %s: %w", filepath.Base(file), err)
	}
	names := make([]string, 0, len(tc.Agents))
	for n := range tc.Agents {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("--import %s: no agents in the file", filepath.Base(file))
	}
	if agent == "" {
		agent = tc.DefaultAgent
	}
	if agent == "" && len(names) == 1 {
		agent = names[0]
	}
	ta, ok := tc.Agents[agent]
	if !ok {
		return nil, nil, fmt.Errorf("--import %s: no agent %q (the file has %s); pass --agent NAME",
			filepath.Base(file), agent, strings.Join(names, ", "))
	}
	var notes []string
	pc := &projectConfig{
		Name:        ta.Name,
		RoleARN:     ta.AWS.ExecutionRole,
		Region:      ta.AWS.Region,
		Protocol:    strings.ToUpper(ta.AWS.Protocol.ServerProtocol),
		IdleTimeout: ta.AWS.Lifecycle.Idle,
		MaxLifetime: ta.AWS.Lifecycle.MaxLifetime,
		Runtime:     strings.ToUpper(ta.RuntimeType),
	}
	if pc.Name == "" {
		pc.Name = agent
	}
	if pc.RoleARN == "" {
		pc.RoleARN = defaultRoleARN
	}
	if pc.Protocol == "" {
		pc.Protocol = "HTTP"
	}
	// The toolkit's entry point may be "file.py:handler" or relative to a
	// source_path; ours is a file in the project directory.
	entry, _, _ := strings.Cut(ta.Entrypoint, ":")
	if entry != "" {
		if filepath.IsAbs(entry) {
			if rel, err := filepath.Rel(dir, entry); err == nil && !strings.HasPrefix(rel, "..") {
				entry = rel
			}
		}
		pc.Entrypoint = filepath.ToSlash(filepath.Clean(entry))
	}
	if pc.Runtime == "" || !slices.Contains(validRuntimes, pc.Runtime) {
		if pc.Runtime != "" {
			notes = append(notes, fmt.Sprintf("runtime_type %s is not one this server runs; using %s", pc.Runtime, runtimeFor(pc.Entrypoint)))
		}
		pc.Runtime = runtimeFor(pc.Entrypoint)
	}
	if ta.DeploymentType == "container" {
		notes = append(notes, "deployment_type container: this project is deployed as code (the entry point runs directly); the Dockerfile is not used")
	}
	if tc.WithIaC {
		notes = append(notes, "the project was created with CDK/Terraform infrastructure; only the agent itself is imported")
	}
	if ta.Memory.MemoryID != "" || ta.Memory.Mode == "STM_AND_LTM" || ta.Memory.Mode == "STM_ONLY" {
		notes = append(notes, "memory "+ta.Memory.Mode+" is an AWS resource: create one here with `agentcore memory create` and set BEDROCK_AGENTCORE_MEMORY_ID with --env")
	}
	if ta.APIKeyEnvVar != "" {
		notes = append(notes, "the model API key variable "+ta.APIKeyEnvVar+" is not copied: pass it with --env")
	}
	notes = append(notes, "agent_id, agent_arn and the session id name AWS resources and were not imported")
	return pc, notes, nil
}

// printNotes writes the import notes, one per line.
func printNotes(w io.Writer, notes []string) {
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}
