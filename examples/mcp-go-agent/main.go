// Command mcp-go-agent is an MCP server for AgentCore Runtime
// (serverProtocol MCP) written with the official MCP Go SDK: streamable HTTP
// on port 8000, path /mcp, stateless by default (set MCP_STATEFUL=1 for a
// server that issues its own Mcp-Session-Id; MCP_JSON=1 answers
// application/json instead of SSE). Under agentcore's process
// sandbox it listens on the port given in PORT instead (unless
// MCP_IGNORE_PORT=1, as an agent written for AgentCore only would).
//
// Tools: add (a+b), echo (text back), whoami (the runtime session id and
// Mcp-Session-Id this request arrived with, and a per-process call count).
package main

import (
	"context"
	"log"
	"net"
	"net/http"
	"os"
	"sync/atomic"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type addIn struct {
	A float64 `json:"a" jsonschema:"first addend"`
	B float64 `json:"b" jsonschema:"second addend"`
}

type addOut struct {
	Sum float64 `json:"sum"`
}

type echoIn struct {
	Text string `json:"text" jsonschema:"text to echo"`
}

type whoOut struct {
	RuntimeSessionID string `json:"runtimeSessionId"`
	McpSessionID     string `json:"mcpSessionId"`
	Calls            int64  `json:"calls"`
	PID              int    `json:"pid"`
}

var calls atomic.Int64

func newServer() *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "mcp-go-agent", Version: "1.0.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "add", Description: "Add two numbers"},
		func(_ context.Context, _ *mcp.CallToolRequest, in addIn) (*mcp.CallToolResult, addOut, error) {
			calls.Add(1)
			return nil, addOut{Sum: in.A + in.B}, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "echo", Description: "Echo the text back"},
		func(_ context.Context, _ *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, any, error) {
			calls.Add(1)
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: in.Text}}}, nil, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "whoami", Description: "Report the session this call arrived in"},
		func(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, whoOut, error) {
			out := whoOut{Calls: calls.Add(1), PID: os.Getpid()}
			if req.Extra != nil && req.Extra.Header != nil {
				out.RuntimeSessionID = req.Extra.Header.Get("X-Amzn-Bedrock-Agentcore-Runtime-Session-Id")
				out.McpSessionID = req.Extra.Header.Get("Mcp-Session-Id")
			}
			return nil, out, nil
		})
	return s
}

func main() {
	srv := newServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv },
		&mcp.StreamableHTTPOptions{Stateless: os.Getenv("MCP_STATEFUL") == "", JSONResponse: os.Getenv("MCP_JSON") != ""})
	mux := http.NewServeMux()
	mux.Handle("/mcp", h)
	addr := "0.0.0.0:8000"
	if p := os.Getenv("PORT"); p != "" && os.Getenv("MCP_IGNORE_PORT") == "" {
		addr = net.JoinHostPort("127.0.0.1", p)
	}
	log.Printf("MCP server on %s/mcp (stateless=%v)", addr, os.Getenv("MCP_STATEFUL") == "")
	log.Fatal(http.ListenAndServe(addr, mux))
}
