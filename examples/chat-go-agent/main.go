// Command chat-go-agent is a small HTTP-protocol agent for AgentCore Runtime
// (POST /invocations, GET /ping on 8080, or PORT) that answers chat-style
// payloads the way model-backed agents do, without a model:
//
//   - {"prompt": "..."} → {"result": {"role": "assistant", "content": [{"text": "..."}]}}
//     (the standard AgentCore shape LiteLLM and the OpenAI front door read);
//   - with "stream": true → an SSE stream of Bedrock Converse events
//     ({"event": {"contentBlockDelta": {"delta": {"text": "..."}}}}, one per word,
//     20 ms apart), then {"event": {"metadata": {"usage": {...}}}};
//   - with CHAT_STREAM=always in the environment, every answer is that SSE
//     stream (LiteLLM sends no stream flag in the payload);
//   - "fail" as the prompt → HTTP 500.
//
// The reply text is "turn N: <prompt reversed word order>" where N counts the
// turns of this runtime session, so callers can see that a conversation
// stays in one session; "messages" (if sent) is reported as history size.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

var (
	mu    sync.Mutex
	turns = map[string]int{}
)

func reply(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Prompt   string            `json:"prompt"`
		Messages []json.RawMessage `json:"messages"`
		Stream   bool              `json:"stream"`
	}
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil || p.Prompt == "" {
		http.Error(w, `{"error":"payload needs a prompt"}`, http.StatusBadRequest)
		return
	}
	if p.Prompt == "fail" {
		http.Error(w, `{"error":"asked to fail"}`, http.StatusInternalServerError)
		return
	}
	session := r.Header.Get("X-Amzn-Bedrock-Agentcore-Runtime-Session-Id")
	mu.Lock()
	turns[session]++
	n := turns[session]
	mu.Unlock()
	words := strings.Fields(p.Prompt)
	for i, j := 0, len(words)-1; i < j; i, j = i+1, j-1 {
		words[i], words[j] = words[j], words[i]
	}
	text := fmt.Sprintf("turn %d: %s", n, strings.Join(words, " "))
	if len(p.Messages) > 0 {
		text += fmt.Sprintf(" [history %d]", len(p.Messages))
	}
	usage := map[string]int{"inputTokens": len(strings.Fields(p.Prompt)), "outputTokens": len(strings.Fields(text))}
	usage["totalTokens"] = usage["inputTokens"] + usage["outputTokens"]
	if !p.Stream && os.Getenv("CHAT_STREAM") != "always" {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"result": map[string]any{"role": "assistant", "content": []any{map[string]string{"text": text}}}})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	fl, _ := w.(http.Flusher)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if fl != nil {
			fl.Flush()
		}
	}
	for i, word := range strings.Fields(text) {
		if i > 0 {
			word = " " + word
			time.Sleep(20 * time.Millisecond)
		}
		send(map[string]any{"event": map[string]any{"contentBlockDelta": map[string]any{"delta": map[string]string{"text": word}}}})
	}
	send(map[string]any{"event": map[string]any{"metadata": map[string]any{"usage": usage}}})
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /invocations", reply)
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"status":"Healthy","time_of_last_update":%d}`, time.Now().Unix())
	})
	addr := "0.0.0.0:8080"
	if p := os.Getenv("PORT"); p != "" {
		addr = net.JoinHostPort("127.0.0.1", p)
	}
	log.Fatal(http.ListenAndServe(addr, mux))
}
