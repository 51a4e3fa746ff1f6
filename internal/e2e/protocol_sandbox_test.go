package e2e

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/a2aproject/a2a-go/v2/a2a"
	"github.com/a2aproject/a2a-go/v2/a2aclient"
	"github.com/a2aproject/a2a-go/v2/a2aclient/agentcard"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestProtocolSandboxes runs the MCP (Go SDK, Python MCPServer) and A2A example agents under the
// isolating sandbox drivers, where no PORT is given and they bind the
// contract ports 8000 and 9000 themselves (the process driver, which hands
// out PORT, is covered by TestMCPGoSDK and TestA2AGoSDK).
func TestProtocolSandboxes(t *testing.T) {
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) {
			testenv.RequireImageDriver(t, driver) // skips with the reason
			cfg := testenv.Fast()
			cfg.Sandbox = driver
			e := testenv.Start(t, cfg)
			mcpARN := deployProtocol(t, e, "sbmcp", goBinaryZip(t, "examples/mcp-go-agent"), "bootstrap", ctltypes.ServerProtocolMcp, nil)
			a2aARN := deployProtocol(t, e, "sba2a", goBinaryZip(t, "examples/a2a-go-agent"), "bootstrap", ctltypes.ServerProtocolA2a, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()

			session := testenv.SessionID("sbmcp" + driver)
			cs := mcpSession(t, ctx, invocationURL(e.URL, mcpARN), http.Header{benchSessionHeader: {session}}, "2025-06-18", nil)
			exerciseMCP(t, ctx, cs, "2025-06-18")
			if w := callWhoami(t, ctx, cs); w.RuntimeSessionID != session {
				t.Fatalf("whoami %+v", w)
			}

			if !testing.Short() {
				// MCPServer (mcp 2.x, pip-installed at deploy) on 0.0.0.0:8000.
				fast := deployProtocol(t, e, "sbfastmcp", testenv.ZipDir(t, filepath.Join(testenv.RepoRoot(), "examples", "mcp-python-agent")),
					"server.py", ctltypes.ServerProtocolMcp, nil)
				fs := mcpSession(t, ctx, invocationURL(e.URL, fast), nil, "2025-06-18", nil)
				exerciseMCP(t, ctx, fs, "2025-06-18")
			}

			base := e.URL + "/runtimes/" + url.QueryEscape(a2aARN) + "/invocations"
			hc := &http.Client{Transport: headerTransport{h: http.Header{benchSessionHeader: {testenv.SessionID("sba2a" + driver)}}}}
			card, err := agentcard.NewResolver(hc).Resolve(ctx, base)
			if err != nil {
				t.Fatalf("resolve card: %v", err)
			}
			client, err := a2aclient.NewFromCard(ctx, card, a2aclient.WithJSONRPCTransport(hc))
			if err != nil {
				t.Fatal(err)
			}
			res, err := client.SendMessage(ctx, &a2a.SendMessageRequest{Message: a2a.NewMessage(a2a.MessageRoleUser, a2a.NewTextPart("hi"))})
			if err != nil {
				t.Fatalf("SendMessage: %v", err)
			}
			if got := replyText(t, res); !strings.HasPrefix(got, "You said: hi") {
				t.Fatalf("reply %q", got)
			}
			streamA2A(t, ctx, client)
		})
	}
}
