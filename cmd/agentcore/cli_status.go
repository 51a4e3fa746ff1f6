package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/spf13/cobra"
)

// target names the runtime a verb acts on: --arn, else the project's
// stored ID, else the project's name looked up with ListAgentRuntimes.
type target struct {
	co  clientOpts
	arn string
}

func (t *target) addFlags(cmd *cobra.Command) {
	t.co.addFlags(cmd)
	cmd.Flags().StringVar(&t.arn, "arn", "", "agent runtime ARN (default: the project's runtime)")
}

// resolve returns the clients, the project config (nil without one) and the
// runtime ID.
func (t *target) resolve(ctx context.Context, dir string) (*clients, *projectConfig, string, error) {
	pc, err := loadConfigOptional(dir)
	if err != nil {
		return nil, nil, "", err
	}
	c, err := t.co.connect(ctx, pc)
	if err != nil {
		return nil, nil, "", err
	}
	switch {
	case t.arn != "":
		i := strings.LastIndex(t.arn, "runtime/")
		if i < 0 {
			return nil, nil, "", fmt.Errorf("--arn %q: not an agent runtime ARN", t.arn)
		}
		return c, pc, t.arn[i+len("runtime/"):], nil
	case pc == nil:
		return nil, nil, "", errNoConfig
	case pc.AgentID != "":
		return c, pc, pc.AgentID, nil
	}
	rt, err := findRuntimeByName(ctx, c.control, pc.Name)
	if err != nil {
		return nil, nil, "", err
	}
	if rt == nil {
		return nil, nil, "", fmt.Errorf("agent runtime %q is not deployed; run `agentcore deploy`", pc.Name)
	}
	return c, pc, aws.ToString(rt.AgentRuntimeId), nil
}

// statusReport is what status prints (--json prints it as it is).
type statusReport struct {
	Name          string           `json:"name"`
	ARN           string           `json:"arn"`
	ID            string           `json:"id"`
	Status        string           `json:"status"`
	FailureReason string           `json:"failureReason,omitempty"`
	Version       string           `json:"version"`
	LastUpdatedAt *time.Time       `json:"lastUpdatedAt,omitempty"`
	Versions      []versionReport  `json:"versions"`
	Endpoints     []endpointReport `json:"endpoints"`
	FileSystems   []fsReport       `json:"fileSystems,omitempty"`
	Server        serverReport     `json:"server"`
}

// fsReport is one of the runtime's filesystemConfigurations.
type fsReport struct {
	Kind      string `json:"kind"` // sessionStorage, efsAccessPoint, s3FilesAccessPoint, capacityProviderVolume
	Source    string `json:"source,omitempty"`
	MountPath string `json:"mountPath"`
}

// fileSystems describes the runtime's filesystemConfigurations.
func fileSystems(fcs []ctltypes.FilesystemConfiguration) []fsReport {
	var out []fsReport
	for _, fc := range fcs {
		switch v := fc.(type) {
		case *ctltypes.FilesystemConfigurationMemberSessionStorage:
			out = append(out, fsReport{Kind: "sessionStorage", Source: "per session, kept across stops", MountPath: aws.ToString(v.Value.MountPath)})
		case *ctltypes.FilesystemConfigurationMemberEfsAccessPoint:
			out = append(out, fsReport{Kind: "efsAccessPoint", Source: aws.ToString(v.Value.AccessPointArn), MountPath: aws.ToString(v.Value.MountPath)})
		case *ctltypes.FilesystemConfigurationMemberS3FilesAccessPoint:
			out = append(out, fsReport{Kind: "s3FilesAccessPoint", Source: aws.ToString(v.Value.AccessPointArn), MountPath: aws.ToString(v.Value.MountPath)})
		case *ctltypes.FilesystemConfigurationMemberCapacityProviderVolume:
			out = append(out, fsReport{Kind: "capacityProviderVolume", Source: aws.ToString(v.Value.VolumeName), MountPath: aws.ToString(v.Value.MountPath)})
		}
	}
	return out
}

type versionReport struct {
	Version       string     `json:"version"`
	Status        string     `json:"status"`
	LastUpdatedAt *time.Time `json:"lastUpdatedAt,omitempty"`
}

type endpointReport struct {
	Name          string `json:"name"`
	LiveVersion   string `json:"liveVersion,omitempty"`
	TargetVersion string `json:"targetVersion,omitempty"`
	Status        string `json:"status"`
}

type serverReport struct {
	URL       string         `json:"url"`
	Reachable bool           `json:"reachable"`
	Health    map[string]any `json:"health,omitempty"`
}

func newStatusCmd() *cobra.Command {
	var (
		t       target
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the agent runtime, its endpoints and the server's sandbox",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			c, _, id, err := t.resolve(ctx, dir)
			if err != nil {
				return err
			}
			rt, err := c.control.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
			if err != nil {
				return apiError(err)
			}
			r := statusReport{
				Name: aws.ToString(rt.AgentRuntimeName), ARN: aws.ToString(rt.AgentRuntimeArn), ID: aws.ToString(rt.AgentRuntimeId),
				Status: string(rt.Status), FailureReason: aws.ToString(rt.FailureReason), Version: aws.ToString(rt.AgentRuntimeVersion),
				LastUpdatedAt: rt.LastUpdatedAt, Endpoints: []endpointReport{}, Server: serverReport{URL: c.controlURL},
				FileSystems: fileSystems(rt.FilesystemConfigurations),
			}
			r.Versions = []versionReport{}
			vp := ctl.NewListAgentRuntimeVersionsPaginator(c.control, &ctl.ListAgentRuntimeVersionsInput{AgentRuntimeId: aws.String(id)})
			for vp.HasMorePages() {
				page, err := vp.NextPage(ctx)
				if err != nil {
					return apiError(err)
				}
				for _, v := range page.AgentRuntimes {
					r.Versions = append(r.Versions, versionReport{Version: aws.ToString(v.AgentRuntimeVersion), Status: string(v.Status), LastUpdatedAt: v.LastUpdatedAt})
				}
			}
			p := ctl.NewListAgentRuntimeEndpointsPaginator(c.control, &ctl.ListAgentRuntimeEndpointsInput{AgentRuntimeId: aws.String(id)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return apiError(err)
				}
				for _, ep := range page.RuntimeEndpoints {
					r.Endpoints = append(r.Endpoints, endpointReport{Name: aws.ToString(ep.Name), LiveVersion: aws.ToString(ep.LiveVersion),
						TargetVersion: aws.ToString(ep.TargetVersion), Status: string(ep.Status)})
				}
			}
			r.Server.Health, r.Server.Reachable = health(ctx, c.controlURL)
			if t.co.json(jsonOut) {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			r.print(cmd.OutOrStdout())
			return nil
		},
	}
	t.addFlags(cmd)
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print JSON (same as --output json)")
	return cmd
}

// health reads GET /_agentcore/health; false when the server does not
// answer it (e.g. the real AWS service).
func health(ctx context.Context, endpoint string) (map[string]any, bool) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/_agentcore/health", nil)
	if err != nil {
		return nil, false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	var h map[string]any
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&h) != nil {
		return nil, false
	}
	return h, true
}

func (r *statusReport) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Name:\t%s\n", r.Name)
	fmt.Fprintf(tw, "ARN:\t%s\n", r.ARN)
	fmt.Fprintf(tw, "Status:\t%s\n", r.Status)
	if r.FailureReason != "" {
		fmt.Fprintf(tw, "Failure:\t%s\n", r.FailureReason)
	}
	fmt.Fprintf(tw, "Version:\t%s\n", r.Version)
	if r.LastUpdatedAt != nil {
		fmt.Fprintf(tw, "Updated:\t%s\n", r.LastUpdatedAt.Local().Format(time.RFC3339))
	}
	tw.Flush()
	if len(r.Versions) > 0 {
		fmt.Fprintln(w, "Versions:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  VERSION\tSTATUS\tUPDATED")
		for _, v := range r.Versions {
			updated := "-"
			if v.LastUpdatedAt != nil {
				updated = v.LastUpdatedAt.Local().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.Version, v.Status, updated)
		}
		tw.Flush()
	}
	fmt.Fprintln(w, "Endpoints:")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tLIVE\tTARGET\tSTATUS")
	for _, ep := range r.Endpoints {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", ep.Name, dash(ep.LiveVersion), dash(ep.TargetVersion), ep.Status)
	}
	tw.Flush()
	if len(r.FileSystems) > 0 {
		fmt.Fprintln(w, "File systems:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  MOUNT\tKIND\tSOURCE")
		for _, f := range r.FileSystems {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.MountPath, f.Kind, dash(f.Source))
		}
		tw.Flush()
	}
	if !r.Server.Reachable {
		fmt.Fprintf(w, "Server: %s (no /_agentcore/health)\n", r.Server.URL)
		return
	}
	sb, _ := r.Server.Health["sandbox"].(map[string]any)
	fmt.Fprintf(w, "Server: %s, sandbox driver %v, isolation %v, %v running sessions",
		r.Server.URL, r.Server.Health["driver"], sb["isolation"], r.Server.Health["sessions"])
	if n, _ := r.Server.Health["pausedSessions"].(float64); n > 0 {
		fmt.Fprintf(w, ", %v paused (checkpointed on idle)", n)
	}
	if cp, _ := sb["checkpoint"].(bool); cp {
		fmt.Fprint(w, "; the driver can checkpoint idle sessions")
	}
	fmt.Fprintln(w)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newDestroyCmd() *cobra.Command {
	var (
		t   target
		yes bool
	)
	cmd := &cobra.Command{
		Use:   "destroy",
		Short: "Delete the agent runtime (DeleteAgentRuntime)",
		Long: `Deletes the project's agent runtime with its versions, endpoints and running
sessions, and forgets its ARN in ` + configFile + `. Asks for confirmation on
stdin unless --yes is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			c, pc, id, err := t.resolve(ctx, dir)
			if err != nil {
				return err
			}
			if !yes {
				// The question goes to stderr: stdout is the command's output (JSON with --output json).
				fmt.Fprintf(cmd.ErrOrStderr(), "Delete agent runtime %s and all its sessions? [y/N] ", id)
				line, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				fmt.Fprintln(cmd.ErrOrStderr())
				if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
					return errors.New("not confirmed; nothing deleted (use --yes to skip the question)")
				}
			}
			out, err := c.control.DeleteAgentRuntime(ctx, &ctl.DeleteAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
			if err != nil && !(isNotFound(err) && pc != nil && pc.AgentID == id) {
				return apiError(err)
			}
			gone := err != nil // the project's runtime was already deleted
			var perr error
			switch {
			case t.co.json(false) && gone:
				perr = printJSON(cmd.OutOrStdout(), map[string]any{"agentRuntimeId": id, "status": "DELETED"})
			case t.co.json(false):
				perr = printWire(cmd.OutOrStdout(), out)
			case gone:
				fmt.Fprintf(cmd.OutOrStdout(), "Agent runtime %s was already gone\n", id)
			default:
				fmt.Fprintf(cmd.OutOrStdout(), "Deleted agent runtime %s (%s)\n", id, out.Status)
			}
			if perr != nil {
				return perr
			}
			if pc != nil && pc.AgentID == id {
				pc.AgentID, pc.AgentARN, pc.SessionID = "", "", ""
				return pc.save(dir)
			}
			return nil
		},
	}
	t.addFlags(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}
