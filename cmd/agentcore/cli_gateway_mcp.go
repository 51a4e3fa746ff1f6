package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"
)

// searchTool is the semantic search tool of gateways with searchType SEMANTIC.
const searchTool = "x_amz_bedrock_agentcore_search"

// mcpOpts are the flags of the verbs that talk to a gateway's MCP endpoint.
type mcpOpts struct {
	co    clientOpts
	token string
}

func (o *mcpOpts) addFlags(cmd *cobra.Command) {
	o.co.addFlags(cmd)
	cmd.Flags().StringVar(&o.token, "token", os.Getenv("AGENTCORE_GATEWAY_TOKEN"), "bearer token for a CUSTOM_JWT gateway (default: $AGENTCORE_GATEWAY_TOKEN)")
}

// session connects an MCP client to the gateway ref (id or name).
func (o *mcpOpts) session(ctx context.Context, ref string) (*mcp.ClientSession, *ctl.GetGatewayOutput, error) {
	c, err := o.co.connectHere(ctx)
	if err != nil {
		return nil, nil, err
	}
	id, err := gatewayID(ctx, c, ref)
	if err != nil {
		return nil, nil, err
	}
	gw, err := c.control.GetGateway(ctx, &ctl.GetGatewayInput{GatewayIdentifier: aws.String(id)})
	if err != nil {
		return nil, nil, apiError(err)
	}
	rt := &gatewayAuth{base: http.DefaultTransport, token: o.token}
	switch gw.AuthorizerType {
	case ctltypes.AuthorizerTypeAwsIam:
		rt.c = c
	case ctltypes.AuthorizerTypeCustomJwt:
		if o.token == "" {
			return nil, nil, fmt.Errorf("gateway %s takes OAuth bearer tokens (CUSTOM_JWT): pass --token or set AGENTCORE_GATEWAY_TOKEN", id)
		}
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "agentcore-cli", Version: "1"}, nil)
	s, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: aws.ToString(gw.GatewayUrl),
		HTTPClient: &http.Client{Transport: rt}, DisableStandaloneSSE: true, MaxRetries: -1}, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to %s: %w", aws.ToString(gw.GatewayUrl), err)
	}
	return s, gw, nil
}

// gatewayAuth authenticates MCP requests: a bearer token, or SigV4 (service
// bedrock-agentcore) for AWS_IAM gateways.
type gatewayAuth struct {
	base  http.RoundTripper
	token string
	c     *clients // SigV4 signs with its credentials when set
}

func (a *gatewayAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	switch {
	case a.c != nil:
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			r.Body.Close()
			if err != nil {
				return nil, err
			}
			body = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])
		r.Header.Set("X-Amz-Content-Sha256", h)
		creds, err := a.c.creds.Retrieve(r.Context())
		if err != nil {
			return nil, fmt.Errorf("credentials: %w", err)
		}
		if err := v4.NewSigner().SignHTTP(r.Context(), creds, r, h, "bedrock-agentcore", a.c.region, time.Now()); err != nil {
			return nil, err
		}
	case a.token != "":
		r.Header.Set("Authorization", "Bearer "+a.token)
	}
	return a.base.RoundTrip(r)
}

func newGatewayToolsCmd() *cobra.Command {
	var (
		o     mcpOpts
		query string
	)
	cmd := &cobra.Command{
		Use:   "tools GATEWAY [--query TEXT]",
		Short: "List a gateway's tools (MCP tools/list), or the most relevant ones with --query",
		Example: `  agentcore gateway tools tools
  agentcore gateway tools tools --query 'refund an order'   # gateways created with --search`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, gw, err := o.session(ctx, args[0])
			if err != nil {
				return err
			}
			defer s.Close()
			var tools []*mcp.Tool
			if query != "" {
				if tools, err = searchTools(ctx, s, gw, query); err != nil {
					return err
				}
			} else {
				for t, err := range s.Tools(ctx, nil) {
					if err != nil {
						return mcpError(err)
					}
					tools = append(tools, t)
				}
			}
			if o.co.json(false) {
				return printJSON(cmd.OutOrStdout(), map[string]any{"tools": nonNil(tools)})
			}
			w := table(cmd, "NAME\tDESCRIPTION")
			for _, t := range tools {
				fmt.Fprintf(w, "%s\t%s\n", t.Name, oneLine(t.Description, 90))
			}
			return w.Flush()
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&query, "query", "", "rank the tools by relevance to this text (the gateway's semantic search tool)")
	return cmd
}

// searchTools calls the gateway's search tool.
func searchTools(ctx context.Context, s *mcp.ClientSession, gw *ctl.GetGatewayOutput, query string) ([]*mcp.Tool, error) {
	if m, ok := gw.ProtocolConfiguration.(*ctltypes.GatewayProtocolConfigurationMemberMcp); !ok || m.Value.SearchType != ctltypes.SearchTypeSemantic {
		return nil, fmt.Errorf("gateway %s has no semantic search tool (create it with --search)", aws.ToString(gw.GatewayId))
	}
	res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: searchTool, Arguments: map[string]any{"query": query}})
	if err != nil {
		return nil, mcpError(err)
	}
	if res.IsError {
		return nil, fmt.Errorf("search failed: %s", resultText(res))
	}
	b, _ := json.Marshal(res.StructuredContent)
	var out struct {
		Tools []*mcp.Tool `json:"tools"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("reading the search result: %w", err)
	}
	return out.Tools, nil
}

func newGatewayCallCmd() *cobra.Command {
	var o mcpOpts
	cmd := &cobra.Command{
		Use:   "call GATEWAY TOOL [ARGS_JSON|-]",
		Short: "Call a gateway's tool (MCP tools/call) with JSON arguments",
		Long: `Calls TOOL (TARGET___NAME, as tools lists it) with the JSON object ARGS_JSON ("-"
reads it from stdin; none is {}) and prints the result's text. A tool error
(isError) is printed on stderr and the command fails; a call the gateway's
policy engine denies fails with the MCP error.`,
		Example: `  agentcore gateway call tools pets___getPet '{"petId": 1}'`,
		Args:    cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw := "{}"
			if len(args) == 3 {
				raw = args[2]
			}
			if raw == "-" {
				b, err := io.ReadAll(cmd.InOrStdin())
				if err != nil {
					return err
				}
				raw = string(b)
			}
			var arguments map[string]any
			if err := json.Unmarshal([]byte(raw), &arguments); err != nil {
				return fmt.Errorf("the arguments must be a JSON object: %w", err)
			}
			ctx := cmd.Context()
			s, _, err := o.session(ctx, args[0])
			if err != nil {
				return err
			}
			defer s.Close()
			res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: args[1], Arguments: arguments})
			if err != nil {
				return mcpError(err)
			}
			if o.co.json(false) {
				if err := printJSON(cmd.OutOrStdout(), res); err != nil {
					return err
				}
			} else if !res.IsError {
				writeLine(cmd.OutOrStdout(), resultText(res))
			}
			if res.IsError {
				return fmt.Errorf("tool %s failed: %s", args[1], resultText(res))
			}
			return nil
		},
	}
	o.addFlags(cmd)
	return cmd
}

// resultText is the text of a tool result (its structured content when it
// has no text).
func resultText(res *mcp.CallToolResult) string {
	var b bytes.Buffer
	for _, c := range res.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			b.WriteString(t.Text)
		}
	}
	if b.Len() == 0 && res.StructuredContent != nil {
		j, _ := json.Marshal(res.StructuredContent)
		b.Write(j)
	}
	return b.String()
}

// mcpError names a JSON-RPC error by its code.
func mcpError(err error) error {
	var je *jsonrpc.Error
	if errors.As(err, &je) {
		return fmt.Errorf("MCP error %d: %s", je.Code, je.Message)
	}
	return err
}
