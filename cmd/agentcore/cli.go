package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sdkhttp"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/spf13/cobra"
)

// defaultEndpoint is where `agentcore server` listens by default.
const defaultEndpoint = "http://127.0.0.1:8765"

// addCLICommands registers the client verbs (configure, deploy, invoke, ...).
// They talk to the server only through the AWS SDK clients, plus the
// documented /_agentcore/ extension for artifact upload and health.
func addCLICommands(root *cobra.Command) {
	root.AddCommand(newConfigureCmd(), newDeployCmd(), newInvokeCmd(), newStatusCmd(), newDestroyCmd(), newDevCmd(), newCodeInterpreterCmd(), newBrowserCmd(), newCertsCmd(), newEvalCmd(), newLogsCmd(), newTracesCmd(), newCreateCmd(), newMemoryCmd())
}

// clientOpts are the connection flags every client verb takes.
type clientOpts struct {
	endpoint string
	region   string
}

func (o *clientOpts) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.endpoint, "endpoint", "", "agentcore server URL (default: $AGENTCORE_ENDPOINT, $AWS_ENDPOINT_URL_BEDROCK_AGENTCORE[_CONTROL], the project's endpoint, "+defaultEndpoint+")")
	f.StringVar(&o.region, "region", "", "AWS region (default: $AWS_REGION, the project's region, the AWS config file, us-east-1)")
}

// clients is what a verb needs to reach the server.
type clients struct {
	control    *ctl.Client
	data       *bedrockagentcore.Client
	controlURL string
	dataURL    string
	region     string
	creds      aws.CredentialsProvider // signs extension calls (SigV4)
}

// resolveEndpoint picks the server URL for one client: flag,
// AGENTCORE_ENDPOINT, the AWS service-specific variable, AWS_ENDPOINT_URL,
// the project config, then the server's default listen address.
func (o *clientOpts) resolveEndpoint(awsVar string, pc *projectConfig) string {
	candidates := []string{o.endpoint, os.Getenv("AGENTCORE_ENDPOINT"), os.Getenv(awsVar), os.Getenv("AWS_ENDPOINT_URL")}
	if pc != nil {
		candidates = append(candidates, pc.Endpoint)
	}
	for _, c := range candidates {
		if c != "" {
			return strings.TrimRight(c, "/")
		}
	}
	return defaultEndpoint
}

// connect builds both SDK clients. Credentials come from the standard AWS
// chain; when it finds none, static placeholder credentials are used (the
// local server does not check signatures).
func (o *clientOpts) connect(ctx context.Context, pc *projectConfig) (*clients, error) {
	// Without a logger the SDK warns on stderr while probing for
	// credentials (e.g. "falling back to IMDSv1"); errors still surface.
	// Retries back off at most 1s: the server is usually local, and a
	// refused connection should fail fast.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{}), config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxBackoff = time.Second })
	})}
	region := o.region
	if region == "" && os.Getenv("AWS_REGION") == "" && pc != nil {
		region = pc.Region
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if !haveCredentials(ctx, cfg.Credentials) {
		cfg.Credentials = credentials.NewStaticCredentialsProvider(localKeyID, "agentcore-local-secret", "")
		usedLocalKey.Store(true)
	}
	cfg.HTTPClient = sdkhttp.New() // request bodies buffered: see internal/sdkhttp
	c := &clients{
		controlURL: o.resolveEndpoint("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", pc),
		dataURL:    o.resolveEndpoint("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", pc),
		region:     cfg.Region,
		creds:      cfg.Credentials,
	}
	c.control = ctl.NewFromConfig(cfg, func(o *ctl.Options) { o.BaseEndpoint = aws.String(c.controlURL) })
	c.data = bedrockagentcore.NewFromConfig(cfg, func(o *bedrockagentcore.Options) { o.BaseEndpoint = aws.String(c.dataURL) })
	return c, nil
}

// localKeyID is the key the CLI signs with when the AWS chain has none (a
// local-mode server accepts any signature); usedLocalKey says it did.
const localKeyID = "AKIDAGENTCORELOCAL"

var usedLocalKey atomic.Bool

// haveCredentials reports whether the AWS chain yields credentials within a
// short bound (so a laptop without credentials does not wait on IMDS).
func haveCredentials(ctx context.Context, p aws.CredentialsProvider) bool {
	if p == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	creds, err := p.Retrieve(ctx)
	return err == nil && creds.HasKeys()
}

// apiError turns an SDK error into "ErrorType: message" so users see the
// AWS error type, as the AWS CLI does.
func apiError(err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return fmt.Errorf("%s: %s%s", ae.ErrorCode(), ae.ErrorMessage(), authHint(ae.ErrorCode()))
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return fmt.Errorf("cannot reach the agentcore server: %v (is `agentcore server` running? see --endpoint)", oe)
	}
	return err
}

// isNotFound reports whether err is the AWS ResourceNotFoundException.
func isNotFound(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ResourceNotFoundException"
}

// extensionError reads an error answer of the /_agentcore/ extension, which
// uses the same envelope as the AWS APIs (X-Amzn-Errortype + {"message"}).
func extensionError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var body struct {
		Message string `json:"message"`
	}
	json.Unmarshal(b, &body) //nolint:errcheck // fall back to the raw body
	if body.Message == "" {
		body.Message = strings.TrimSpace(string(b))
	}
	typ := resp.Header.Get("X-Amzn-Errortype")
	if i := strings.IndexByte(typ, ':'); i >= 0 {
		typ = typ[:i]
	}
	if typ == "" {
		typ = resp.Status
	}
	return fmt.Errorf("%s: %s%s", typ, body.Message, authHint(typ))
}

// authHint explains an authentication failure when the CLI signed with the
// local-mode key because the AWS chain had no credentials.
func authHint(code string) string {
	switch code {
	case "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException", "IncompleteSignatureException":
		if usedLocalKey.Load() {
			return "\nNo AWS credentials were found, so the CLI signed with the local-mode key " + localKeyID +
				", which a server started with --credentials-file does not accept: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) to a key from the server's credentials"
		}
	}
	return ""
}
