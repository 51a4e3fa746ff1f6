// Command go-agent is a small example agent for AgentCore Runtime written with the Go sdk.
//
//	{"prompt": "hi"}                 -> {"result": "You said: hi", "sessionId": "...", "count": 1}
//	{"prompt": "hi", "stream": true} -> SSE: one event per word, then a final {"done": true}
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"strings"
	"sync/atomic"
	"time"

	agentcore "github.com/agentcore-dev/agentcore/sdk"
)

type request struct {
	Prompt string `json:"prompt"`
	Stream bool   `json:"stream"`
}

// count is how many invocations this process has served; a session keeps its process, so
// the count grows across calls that reuse a session id.
var count atomic.Int64

func main() {
	app := agentcore.New()
	app.Entrypoint(func(ctx context.Context, payload json.RawMessage, rc *agentcore.RequestContext) (any, error) {
		n := count.Add(1)
		var req request
		if err := json.Unmarshal(payload, &req); err != nil {
			return nil, agentcore.HTTPError{Status: 400, Detail: "payload must be a JSON object"}
		}
		if req.Prompt == "" {
			return nil, agentcore.HTTPError{Status: 400, Detail: `missing "prompt"`}
		}
		if req.Stream {
			return streamWords(req.Prompt), nil
		}
		return map[string]any{
			"result":    "You said: " + req.Prompt,
			"sessionId": rc.SessionID,
			"count":     n,
		}, nil
	})
	if err := app.Run(); err != nil { // $PORT or 8080; stops cleanly on SIGTERM
		log.Fatal(err)
	}
}

// streamWords sends the prompt back one word per SSE event.
func streamWords(prompt string) agentcore.StreamFunc {
	return func(ctx context.Context, emit func(any) error) error {
		words := strings.Fields(prompt)
		for i, w := range words {
			if err := emit(map[string]any{"i": i, "word": w}); err != nil {
				return err // the client went away
			}
			time.Sleep(50 * time.Millisecond) // pretend to think
		}
		return emit(map[string]any{"done": true, "words": len(words), "summary": fmt.Sprintf("%d words", len(words))})
	}
}
