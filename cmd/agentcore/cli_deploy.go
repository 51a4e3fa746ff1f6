package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/spf13/cobra"
)

// artifactBucket is the bucket deploy uploads code zips to.
const artifactBucket = "agentcore-artifacts"

// skipDirs and skipFile decide what of the project directory is neither
// packaged by deploy nor watched by dev.
var skipDirs = map[string]bool{".git": true, "__pycache__": true, ".venv": true, "node_modules": true, ".agentcore-data": true}

func skipFile(name string) bool {
	return name == configFile || name == configFile+".tmp" || strings.HasSuffix(name, ".pyc")
}

// walkProject calls fn for every regular file of the project, with its
// slash-separated path relative to dir.
func walkProject(dir string, fn func(rel string, info fs.FileInfo) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || skipFile(d.Name()) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		return fn(filepath.ToSlash(rel), info)
	})
}

// zipProject packs the project directory, keeping executable bits.
func zipProject(dir string) ([]byte, int, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := 0
	err := walkProject(dir, func(rel string, info fs.FileInfo) error {
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		h.Name, h.Method = rel, zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		defer f.Close()
		files++
		_, err = io.Copy(w, f)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	if err := zw.Close(); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), files, nil
}

// upload stores a zip through the PUT /_agentcore/artifacts extension,
// SigV4-signed (servers with credentials require it from remote callers).
func upload(ctx context.Context, c *clients, bucket, key string, data []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.controlURL+"/_agentcore/artifacts/"+bucket+"/"+key, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/zip")
	if c.creds != nil {
		creds, err := c.creds.Retrieve(ctx)
		if err != nil {
			return fmt.Errorf("upload artifact: credentials: %w", err)
		}
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", h)
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, h, "bedrock-agentcore", c.region, time.Now()); err != nil {
			return fmt.Errorf("upload artifact: signing: %w", err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("upload artifact: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("upload artifact: %w", extensionError(resp))
	}
	return nil
}

func newDeployCmd() *cobra.Command {
	var (
		co      clientOpts
		wait    bool
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:     "deploy",
		Aliases: []string{"launch"},
		Short:   "Package the project, upload it and create or update its agent runtime",
		Long: `Zips the current directory (without .git, __pycache__, .venv, node_modules,
.agentcore-data, ` + configFile + ` and *.pyc), uploads it to the server's artifact
store (bucket ` + artifactBucket + `, key NAME/UNIXNANOS.zip), then calls
CreateAgentRuntime, or UpdateAgentRuntime when a runtime with the project's name
exists, and waits until the runtime is READY (unless --wait=false). The
runtime's ARN and ID are stored in ` + configFile + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			pc, err := loadConfig(dir)
			if err != nil {
				return err
			}
			if err := pc.validate(dir); err != nil {
				return fmt.Errorf("%s: %w", configFile, err)
			}
			c, err := co.connect(ctx, pc)
			if err != nil {
				return err
			}
			if !co.json(false) {
				return deploy(ctx, cmd.OutOrStdout(), c, pc, dir, wait, timeout)
			}
			// --output json: progress on stderr, the runtime (GetAgentRuntime) on stdout.
			if err := deploy(ctx, cmd.ErrOrStderr(), c, pc, dir, wait, timeout); err != nil {
				return err
			}
			rt, err := c.control.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(pc.AgentID)})
			if err != nil {
				return apiError(err)
			}
			return printWire(cmd.OutOrStdout(), rt)
		},
	}
	co.addFlags(cmd)
	cmd.Flags().BoolVar(&wait, "wait", true, "wait until the runtime is READY")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "how long to wait for READY")
	return cmd
}

func deploy(ctx context.Context, out io.Writer, c *clients, pc *projectConfig, dir string, wait bool, timeout time.Duration) error {
	data, files, err := zipProject(dir)
	if err != nil {
		return fmt.Errorf("package %s: %w", dir, err)
	}
	key := fmt.Sprintf("%s/%d.zip", pc.Name, time.Now().UnixNano())
	fmt.Fprintf(out, "Uploading %d bytes (%d files) to %s/%s\n", len(data), files, artifactBucket, key)
	if err := upload(ctx, c, artifactBucket, key, data); err != nil {
		return err
	}
	existing, err := findRuntimeByName(ctx, c.control, pc.Name)
	if err != nil {
		return err
	}
	artifact := &types.AgentRuntimeArtifactMemberCodeConfiguration{Value: types.CodeConfiguration{
		Code:       &types.CodeMemberS3{Value: types.S3Location{Bucket: aws.String(artifactBucket), Prefix: aws.String(key)}},
		Runtime:    types.AgentManagedRuntimeType(pc.Runtime),
		EntryPoint: []string{pc.Entrypoint},
	}}
	network := &types.NetworkConfiguration{NetworkMode: types.NetworkModePublic}
	var protocol *types.ProtocolConfiguration
	if pc.Protocol != "" {
		protocol = &types.ProtocolConfiguration{ServerProtocol: types.ServerProtocol(pc.Protocol)}
	}
	var lifecycle *types.LifecycleConfiguration
	if pc.IdleTimeout != 0 || pc.MaxLifetime != 0 {
		lifecycle = &types.LifecycleConfiguration{}
		if pc.IdleTimeout != 0 {
			lifecycle.IdleRuntimeSessionTimeout = aws.Int32(int32(pc.IdleTimeout))
		}
		if pc.MaxLifetime != 0 {
			lifecycle.MaxLifetime = aws.Int32(int32(pc.MaxLifetime))
		}
	}
	var fs []types.FilesystemConfiguration
	if pc.SessionStorage != "" {
		fs = []types.FilesystemConfiguration{&types.FilesystemConfigurationMemberSessionStorage{
			Value: types.SessionStorageConfiguration{MountPath: aws.String(pc.SessionStorage)}}}
	}
	var id, arn, version, verb string
	if existing == nil {
		res, err := c.control.CreateAgentRuntime(ctx, &ctl.CreateAgentRuntimeInput{
			AgentRuntimeName: aws.String(pc.Name), AgentRuntimeArtifact: artifact, RoleArn: aws.String(pc.RoleARN),
			NetworkConfiguration: network, ProtocolConfiguration: protocol, EnvironmentVariables: pc.Env,
			LifecycleConfiguration: lifecycle, FilesystemConfigurations: fs,
		})
		if err != nil {
			return apiError(err)
		}
		id, arn, version, verb = aws.ToString(res.AgentRuntimeId), aws.ToString(res.AgentRuntimeArn), aws.ToString(res.AgentRuntimeVersion), "Created"
	} else {
		res, err := c.control.UpdateAgentRuntime(ctx, &ctl.UpdateAgentRuntimeInput{
			AgentRuntimeId: existing.AgentRuntimeId, AgentRuntimeArtifact: artifact, RoleArn: aws.String(pc.RoleARN),
			NetworkConfiguration: network, ProtocolConfiguration: protocol, EnvironmentVariables: pc.Env,
			LifecycleConfiguration: lifecycle, FilesystemConfigurations: fs,
		})
		if err != nil {
			return apiError(err)
		}
		id, arn, version, verb = aws.ToString(res.AgentRuntimeId), aws.ToString(res.AgentRuntimeArn), aws.ToString(res.AgentRuntimeVersion), "Updated"
	}
	fmt.Fprintf(out, "%s agent runtime %s version %s\n", verb, id, version)
	fmt.Fprintf(out, "ARN: %s\n", arn)
	if pc.AgentARN != arn {
		pc.SessionID = "" // a session belongs to one runtime
	} else if pc.SessionID != "" && verb == "Updated" {
		// A running session keeps the version it started with (as on
		// AgentCore): the remembered one would not show the change.
		fmt.Fprintf(out, "The remembered session %s keeps running the version it started with; `agentcore invoke` now starts a new session on version %s (pass --session %s to reach the old one).\n", pc.SessionID, version, pc.SessionID)
		pc.SessionID = ""
	}
	pc.AgentID, pc.AgentARN = id, arn
	if err := pc.save(dir); err != nil {
		return err
	}
	if !wait {
		return nil
	}
	return waitReady(ctx, out, c.control, id, timeout)
}

// waitReady polls GetAgentRuntime, printing each status change, until READY
// or a *_FAILED status.
func waitReady(ctx context.Context, out io.Writer, client *ctl.Client, id string, timeout time.Duration) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := types.AgentRuntimeStatus("")
	lastNote := time.Now()
	for {
		rt, err := client.GetAgentRuntime(ctx, &ctl.GetAgentRuntimeInput{AgentRuntimeId: aws.String(id)})
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("runtime %s not READY after %s (last status %s)", id, timeout, last)
			}
			return apiError(err)
		}
		if rt.Status != last {
			last = rt.Status
			lastNote = time.Now()
			fmt.Fprintf(out, "Status: %s\n", last)
			if last == types.AgentRuntimeStatusCreating || last == types.AgentRuntimeStatusUpdating {
				fmt.Fprintln(out, "  (the server unpacks the code and installs requirements.txt / package.json once per version; the first install can take a minute)")
			}
		} else if time.Since(lastNote) >= 5*time.Second {
			lastNote = time.Now()
			fmt.Fprintf(out, "  still %s after %.0fs\n", last, time.Since(start).Seconds())
		}
		switch rt.Status {
		case types.AgentRuntimeStatusReady:
			fmt.Fprintf(out, "READY in %.1fs\n", time.Since(start).Seconds())
			return nil
		case types.AgentRuntimeStatusCreateFailed, types.AgentRuntimeStatusUpdateFailed:
			return fmt.Errorf("%s: %s", rt.Status, aws.ToString(rt.FailureReason))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("runtime %s not READY after %s (last status %s)", id, timeout, last)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// findRuntimeByName pages through ListAgentRuntimes; nil when none matches.
func findRuntimeByName(ctx context.Context, client *ctl.Client, name string) (*types.AgentRuntime, error) {
	p := ctl.NewListAgentRuntimesPaginator(client, &ctl.ListAgentRuntimesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, apiError(err)
		}
		for i := range page.AgentRuntimes {
			rt := &page.AgentRuntimes[i]
			if aws.ToString(rt.AgentRuntimeName) == name && rt.Status != types.AgentRuntimeStatusDeleting {
				return rt, nil
			}
		}
	}
	return nil, nil
}
