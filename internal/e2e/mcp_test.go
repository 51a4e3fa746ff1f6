package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// deployProtocol deploys a code zip as a runtime of the given serverProtocol
// and returns its ARN once READY.
func deployProtocol(t testing.TB, e *testenv.Env, name string, zip []byte, entry string, proto ctltypes.ServerProtocol, env map[string]string) string {
	t.Helper()
	key := fmt.Sprintf("%s-%d.zip", name, time.Now().UnixNano())
	e.Upload(t, "agents", key, zip)
	out, err := e.Control.CreateAgentRuntime(context.Background(), &ctl.CreateAgentRuntimeInput{
		AgentRuntimeName: aws.String(name),
		AgentRuntimeArtifact: testenv.CodeArtifact(&ctltypes.S3Location{Bucket: aws.String("agents"), Prefix: aws.String(key)},
			testenv.PythonRuntime(), entry),
		RoleArn:               aws.String(testenv.RoleArn),
		NetworkConfiguration:  &ctltypes.NetworkConfiguration{NetworkMode: ctltypes.NetworkModePublic},
		ProtocolConfiguration: &ctltypes.ProtocolConfiguration{ServerProtocol: proto},
		EnvironmentVariables:  env,
	})
	if err != nil {
		t.Fatalf("CreateAgentRuntime: %v", err)
	}
	return *e.WaitReady(t, *out.AgentRuntimeId, 5*time.Minute).AgentRuntimeArn
}

// goBinaryZip builds a Go main package into a code zip ("bootstrap").
func goBinaryZip(t testing.TB, pkg string) []byte {
	t.Helper()
	bin, err := os.ReadFile(testenv.BuildGo(t, pkg))
	if err != nil {
		t.Fatal(err)
	}
	return testenv.Zip(t, map[string][]byte{"bootstrap": bin}, "bootstrap")
}

// invocationURL is the InvokeAgentRuntime URL MCP and A2A clients use.
func invocationURL(base, arn string) string {
	return base + "/runtimes/" + url.QueryEscape(arn) + "/invocations?qualifier=DEFAULT"
}

// headerTransport adds fixed headers to every request (how MCP clients pass
// the runtime session header) and signs it with SigV4 (test credentials).
type headerTransport struct {
	h    http.Header
	seen func(*http.Response)
}

func (t headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range t.h {
		r.Header[k] = v
	}
	if err := signRequest(r); err != nil {
		return nil, err
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && t.seen != nil {
		t.seen(resp)
	}
	return resp, err
}

type whoami struct {
	RuntimeSessionID string `json:"runtimeSessionId"`
	McpSessionID     string `json:"mcpSessionId"`
	Calls            int64  `json:"calls"`
	PID              int    `json:"pid"`
}

func callWhoami(t *testing.T, ctx context.Context, cs *mcp.ClientSession) whoami {
	t.Helper()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "whoami", Arguments: map[string]any{}})
	if err != nil {
		t.Fatalf("tools/call whoami: %v", err)
	}
	var w whoami
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatalf("whoami result %s: %v", b, err)
	}
	return w
}

// mcpSession connects the official Go SDK client through the platform.
func mcpSession(t *testing.T, ctx context.Context, endpoint string, hdr http.Header, version string, seen func(*http.Response)) *mcp.ClientSession {
	t.Helper()
	client := mcp.NewClient(&mcp.Implementation{Name: "agentcore-e2e", Version: "1"}, nil)
	tr := &mcp.StreamableClientTransport{Endpoint: endpoint, MaxRetries: -1,
		HTTPClient: &http.Client{Transport: headerTransport{h: hdr, seen: seen}}}
	cs, err := client.Connect(ctx, tr, &mcp.ClientSessionOptions{ProtocolVersion: version})
	if err != nil {
		t.Fatalf("connect (%s): %v", version, err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// exerciseMCP runs initialize → tools/list → tools/call add and echo.
func exerciseMCP(t *testing.T, ctx context.Context, cs *mcp.ClientSession, version string) {
	t.Helper()
	if got := cs.InitializeResult().ProtocolVersion; got != version {
		t.Errorf("negotiated protocol %q, want %q", got, version)
	}
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
	}
	if strings.Join(names, ",") != "add,echo,whoami" {
		t.Fatalf("tools %v", names)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "add", Arguments: map[string]any{"a": 2, "b": 40}})
	if err != nil || res.IsError {
		t.Fatalf("tools/call add: %v %+v", err, res)
	}
	if m, _ := res.StructuredContent.(map[string]any); m["sum"] != float64(42) {
		t.Fatalf("add result %+v", res.StructuredContent)
	}
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "héllo " + version}})
	if err != nil || len(res.Content) != 1 {
		t.Fatalf("tools/call echo: %v %+v", err, res)
	}
	if tc, ok := res.Content[0].(*mcp.TextContent); !ok || tc.Text != "héllo "+version {
		t.Fatalf("echo result %+v", res.Content[0])
	}
}

// TestMCPGoSDK deploys examples/mcp-go-agent (official MCP Go SDK, stateless
// and stateful) as MCP runtimes and drives them with the Go SDK client
// through InvokeAgentRuntime's URL, for every protocol version it speaks.
func TestMCPGoSDK(t *testing.T) {
	t.Parallel()
	e := testenv.Start(t, testenv.Fast())
	zip := goBinaryZip(t, "examples/mcp-go-agent")
	stateless := deployProtocol(t, e, "mcpgo", zip, "bootstrap", ctltypes.ServerProtocolMcp, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	endpoint := invocationURL(e.URL, stateless)

	for _, version := range []string{"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"} {
		t.Run("sessionHeader/"+version, func(t *testing.T) {
			session := testenv.SessionID("mcp" + strings.ReplaceAll(version, "-", ""))
			hdr := http.Header{"X-Amzn-Bedrock-Agentcore-Runtime-Session-Id": {session}}
			cs := mcpSession(t, ctx, endpoint, hdr, version, nil)
			exerciseMCP(t, ctx, cs, version)
			a, b := callWhoami(t, ctx, cs), callWhoami(t, ctx, cs)
			if a.RuntimeSessionID != session || b.PID != a.PID || b.Calls != a.Calls+1 {
				t.Fatalf("calls did not stay in runtime session %s: %+v then %+v", session, a, b)
			}
		})
	}

	t.Run("sigv4Signed", func(t *testing.T) {
		// Requests signed like the AWS MCP samples' SigV4 auth (service
		// bedrock-agentcore, session header signed).
		session := testenv.SessionID("mcpsigned")
		client := mcp.NewClient(&mcp.Implementation{Name: "agentcore-e2e", Version: "1"}, nil)
		tr := &mcp.StreamableClientTransport{Endpoint: endpoint, MaxRetries: -1,
			HTTPClient: &http.Client{Transport: sigv4Transport{session: session}}}
		cs, err := client.Connect(ctx, tr, &mcp.ClientSessionOptions{ProtocolVersion: "2025-06-18"})
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer cs.Close()
		exerciseMCP(t, ctx, cs, "2025-06-18")
		if w := callWhoami(t, ctx, cs); w.RuntimeSessionID != session {
			t.Fatalf("whoami %+v", w)
		}
	})

	t.Run("platformIssuedMcpSessionId", func(t *testing.T) {
		// No runtime session header: the stateless server issues no
		// Mcp-Session-Id, so the platform does, and routes it back.
		var issued []string
		cs := mcpSession(t, ctx, endpoint, nil, "2025-06-18", func(r *http.Response) {
			if v := r.Header.Get("Mcp-Session-Id"); v != "" {
				issued = append(issued, v)
			}
		})
		exerciseMCP(t, ctx, cs, "2025-06-18")
		a, b := callWhoami(t, ctx, cs), callWhoami(t, ctx, cs)
		if len(issued) == 0 || a.RuntimeSessionID != issued[0] || a.McpSessionID != issued[0] {
			t.Fatalf("Mcp-Session-Id %v; agent saw %+v", issued, a)
		}
		if b.PID != a.PID || b.RuntimeSessionID != a.RuntimeSessionID || b.Calls != a.Calls+1 {
			t.Fatalf("not sticky: %+v then %+v", a, b)
		}
	})

	t.Run("agentIssuedMcpSessionId", func(t *testing.T) {
		stateful := deployProtocol(t, e, "mcpgostateful", zip, "bootstrap", ctltypes.ServerProtocolMcp, map[string]string{"MCP_STATEFUL": "1"})
		var issued string
		cs := mcpSession(t, ctx, invocationURL(e.URL, stateful), nil, "2025-11-25", func(r *http.Response) {
			if v := r.Header.Get("Mcp-Session-Id"); v != "" && issued == "" {
				issued = v
			}
		})
		exerciseMCP(t, ctx, cs, "2025-11-25")
		a, b := callWhoami(t, ctx, cs), callWhoami(t, ctx, cs)
		if issued == "" || a.McpSessionID != issued || a.RuntimeSessionID == issued {
			t.Fatalf("agent-issued Mcp-Session-Id %q; agent saw %+v", issued, a)
		}
		if b.PID != a.PID || b.RuntimeSessionID != a.RuntimeSessionID || b.Calls != a.Calls+1 {
			t.Fatalf("not sticky: %+v then %+v", a, b)
		}
		// The runtime session ends (StopRuntimeSession): the agent-issued
		// id is unknown to the new environment, whose 404 reaches the client
		// (MCP: re-initialize), and a new client works again.
		if _, err := e.Data.StopRuntimeSession(ctx, &bedrockagentcore.StopRuntimeSessionInput{
			AgentRuntimeArn: aws.String(stateful), RuntimeSessionId: aws.String(a.RuntimeSessionID)}); err != nil {
			t.Fatalf("StopRuntimeSession: %v", err)
		}
		status, _, body := rawJSONRPC(t, "POST", invocationURL(e.URL, stateful), `{"jsonrpc":"2.0","id":9,"method":"tools/list","params":{}}`,
			map[string]string{"Mcp-Session-Id": issued, "Mcp-Protocol-Version": "2025-11-25"})
		if status != http.StatusNotFound {
			t.Fatalf("call on a gone MCP session: %d %v", status, body)
		}
		again := mcpSession(t, ctx, invocationURL(e.URL, stateful), nil, "2025-11-25", nil)
		if c := callWhoami(t, ctx, again); c.Calls != 1 {
			t.Fatalf("after re-initialize: %+v", c)
		}
		// Parallel clients never share a session or see each other's.
		var wg sync.WaitGroup
		seen := make(chan whoami, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := mcpSession(t, ctx, invocationURL(e.URL, stateful), nil, "2025-11-25", nil)
				first := callWhoami(t, ctx, c)
				for range 5 {
					if w := callWhoami(t, ctx, c); w.McpSessionID != first.McpSessionID || w.RuntimeSessionID != first.RuntimeSessionID || w.PID != first.PID {
						t.Errorf("client moved from %+v to %+v", first, w)
					}
				}
				seen <- first
			}()
		}
		wg.Wait()
		close(seen)
		runtimes := map[string]bool{}
		for w := range seen {
			runtimes[w.RuntimeSessionID] = true
		}
		if len(runtimes) != 8 {
			t.Fatalf("8 clients landed in %d runtime sessions", len(runtimes))
		}
		// A second client gets its own MCP session on its own runtime session.
		cs2 := mcpSession(t, ctx, invocationURL(e.URL, stateful), nil, "2025-11-25", nil)
		if c := callWhoami(t, ctx, cs2); c.McpSessionID == a.McpSessionID || c.RuntimeSessionID == a.RuntimeSessionID {
			t.Fatalf("second client shares the session: %+v vs %+v", c, a)
		}
	})

	t.Run("jsonResponses", func(t *testing.T) {
		jsonARN := deployProtocol(t, e, "mcpgojson", zip, "bootstrap", ctltypes.ServerProtocolMcp, map[string]string{"MCP_JSON": "1"})
		types := map[string]bool{}
		cs := mcpSession(t, ctx, invocationURL(e.URL, jsonARN), nil, "2025-06-18", func(r *http.Response) {
			if r.Request.Method == http.MethodPost && r.StatusCode == http.StatusOK {
				types[r.Header.Get("Content-Type")] = true
			}
		})
		exerciseMCP(t, ctx, cs, "2025-06-18")
		if len(types) != 1 || !types["application/json"] {
			t.Fatalf("answer content types %v, want application/json only", types)
		}
	})

	t.Run("fixedPort8000", func(t *testing.T) {
		// An MCP server that ignores PORT and binds the contract port 8000
		// itself still works under the process driver (one session at a time).
		if l, err := net.Listen("tcp", "0.0.0.0:8000"); err != nil {
			t.Skipf("port 8000 is busy on this host: %v", err)
		} else {
			l.Close()
		}
		fixed := deployProtocol(t, e, "mcpgofixed", zip, "bootstrap", ctltypes.ServerProtocolMcp, map[string]string{"MCP_IGNORE_PORT": "1"})
		cs := mcpSession(t, ctx, invocationURL(e.URL, fixed), nil, "2025-06-18", nil)
		exerciseMCP(t, ctx, cs, "2025-06-18")
		cs.Close()
		sessions := 0
		for _, s := range runningSessions(t, e) {
			if strings.HasPrefix(s.RuntimeID, "mcpgofixed-") {
				sessions++
				if _, err := e.Data.StopRuntimeSession(ctx, &bedrockagentcore.StopRuntimeSessionInput{
					AgentRuntimeArn: aws.String(fixed), RuntimeSessionId: aws.String(s.SessionID)}); err != nil {
					t.Errorf("StopRuntimeSession: %v", err)
				}
			}
		}
		if sessions != 1 {
			t.Errorf("%d sessions of the fixed-port runtime", sessions)
		}
	})

	t.Run("badInput", func(t *testing.T) {
		http := deployHTTP(t, e)
		mcpBadInput(t, e, stateless, http)
	})

	t.Run("nothingLeaked", func(t *testing.T) {
		// Every client above has closed (listen streams included): no
		// session may still count a request in flight.
		noneInFlight(t, e)
	})
}

// noneInFlight waits until no running session has a request in flight.
func noneInFlight(t *testing.T, e *testenv.Env) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var busy []string
		for _, s := range runningSessions(t, e) {
			if s.InFlight != 0 {
				busy = append(busy, fmt.Sprintf("%s/%s: %d", s.RuntimeID, s.SessionID, s.InFlight))
			}
		}
		if len(busy) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("requests still in flight after every client closed: %v", busy)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// deployHTTP deploys the Go test agent as a plain HTTP runtime.
func deployHTTP(t *testing.T, e *testenv.Env) string {
	t.Helper()
	return *e.Deploy(t, "plainhttp", nil).AgentRuntimeArn
}

// rawJSONRPC posts a body to the invocation URL and decodes the answer.
func rawJSONRPC(t *testing.T, method, u, body string, hdr map[string]string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	testenv.Sign(req, []byte(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(bytes.TrimSpace(b)) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			m = map[string]any{"raw": string(b)}
		}
	}
	return resp.StatusCode, resp.Header, m
}

func mcpBadInput(t *testing.T, e *testenv.Env, mcpARN, httpARN string) {
	initialize := `{"jsonrpc":"2.0","id":7,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`
	sess := map[string]string{"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": testenv.SessionID("mcpbad")}

	// An MCP client pointed at an HTTP runtime: typed error in both shapes.
	status, h, m := rawJSONRPC(t, "POST", invocationURL(e.URL, httpARN), initialize, sess)
	rpcErr, _ := m["error"].(map[string]any)
	if status != 400 || h.Get("X-Amzn-Errortype") != "ValidationException" || m["__type"] != "ValidationException" ||
		m["id"] != float64(7) || rpcErr["code"] != float64(-32600) || !strings.Contains(fmt.Sprint(rpcErr["message"]), "serves protocol HTTP") {
		t.Errorf("MCP initialize to an HTTP runtime: %d %v %v", status, h.Get("X-Amzn-Errortype"), m)
	}
	// GET (the MCP listen stream) on an HTTP runtime: 405.
	status, _, m = rawJSONRPC(t, "GET", invocationURL(e.URL, httpARN), "", sess)
	if status != 405 || m["__type"] != "ValidationException" {
		t.Errorf("GET on an HTTP runtime: %d %v", status, m)
	}
	// Unknown runtime: ResourceNotFoundException, JSON-RPC shaped too.
	missing := mcpARN[:strings.Index(mcpARN, "runtime/")] + "runtime/nosuch-0123456789"
	status, _, m = rawJSONRPC(t, "POST", invocationURL(e.URL, missing), initialize, sess)
	if status != 404 || m["__type"] != "ResourceNotFoundException" || m["jsonrpc"] != "2.0" || m["id"] != float64(7) {
		t.Errorf("unknown runtime: %d %v", status, m)
	}
	// Malformed JSON-RPC reaches the MCP server; its own error comes back.
	status, _, m = rawJSONRPC(t, "POST", invocationURL(e.URL, mcpARN), `{"jsonrpc":"2.0","id":1,"method":`, sess)
	if status != 400 || !strings.Contains(fmt.Sprint(m), "unmarshaling jsonrpc message") {
		t.Errorf("malformed JSON-RPC: status %d %v", status, m)
	}
	t.Logf("malformed JSON-RPC → agent's answer %d %v", status, m)
	// The server and the session are still fine afterwards.
	status, h, m = rawJSONRPC(t, "POST", invocationURL(e.URL, mcpARN), initialize, sess)
	if status != 200 || h.Get("Mcp-Session-Id") == "" {
		t.Errorf("initialize after bad input: %d %v %v", status, h, m)
	}
}

// sigv4Transport signs every request with SigV4 (service bedrock-agentcore)
// after adding the runtime session header.
type sigv4Transport struct{ session string }

func (t sigv4Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Amzn-Bedrock-Agentcore-Runtime-Session-Id", t.session)
	if err := signRequest(r); err != nil {
		return nil, err
	}
	return http.DefaultTransport.RoundTrip(r)
}

// signRequest signs r with SigV4 (service bedrock-agentcore, test
// credentials), as the AWS MCP samples' SigV4 auth does.
func signRequest(r *http.Request) error {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return err
		}
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: testenv.AccessKeyID, SecretAccessKey: testenv.SecretAccessKey}
	return v4.NewSigner().SignHTTP(r.Context(), creds, r, hex.EncodeToString(sum[:]), "bedrock-agentcore", "us-east-1", time.Now())
}
