// Package agentcore is the Go counterpart of the Python SDK's BedrockAgentCoreApp
// (bedrock_agentcore.runtime.BedrockAgentCoreApp): a small HTTP server that honours the
// AgentCore Runtime container contract for serverProtocol HTTP.
//
// Routes served by an App:
//
//	POST /invocations  the entrypoint; JSON in, JSON or SSE (text/event-stream) out
//	GET  /ping         {"status":"Healthy"|"HealthyBusy","time_of_last_update":<unix seconds>}
//	     /ws           WebSocket, when a handler is registered with App.WebSocket
//
// A minimal agent:
//
//	app := agentcore.New()
//	app.Entrypoint(func(ctx context.Context, payload json.RawMessage, rc *agentcore.RequestContext) (any, error) {
//		return map[string]any{"echo": payload, "session": rc.SessionID}, nil
//	})
//	if err := app.Run(); err != nil {
//		log.Fatal(err)
//	}
//
// Run listens on $PORT (default 8080), binds 0.0.0.0 inside a container (/.dockerenv exists or
// DOCKER_CONTAINER is non-empty) and 127.0.0.1 otherwise, and shuts down gracefully on SIGTERM/SIGINT.
package agentcore
