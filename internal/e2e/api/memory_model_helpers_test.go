package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// scriptedModel is a real HTTP server speaking the OpenAI chat completions
// protocol; answer decides each reply from the call kind ("extract" or
// "consolidate") and the user message. Returning status != 200 sends an
// error.
type scriptedModel struct {
	*httptest.Server
	mu     sync.Mutex
	answer func(kind, user string) (int, string)
	calls  map[string]int
	seen   []string
	users  []string // full user messages, in call order
}

func newScriptedModel(t *testing.T, answer func(kind, user string) (int, string)) *scriptedModel {
	sm := &scriptedModel{answer: answer, calls: map[string]int{}}
	sm.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) < 2 {
			http.Error(w, `{"error":{"message":"bad request"}}`, 400)
			return
		}
		kind := "extract"
		if strings.Contains(req.Messages[0].Content, "TASK: CONSOLIDATE") {
			kind = "consolidate"
		}
		if strings.Contains(req.Messages[0].Content, "TASK: REFLECT") {
			kind = "reflect"
		}
		user := req.Messages[len(req.Messages)-1].Content
		sm.mu.Lock()
		sm.users = append(sm.users, user)
		sm.mu.Unlock()
		if i := strings.Index(user, "Conversation:\n"); i >= 0 {
			user = user[i:] // earlier messages are context only
		}
		sm.mu.Lock()
		sm.calls[kind]++
		sm.seen = append(sm.seen, req.Model+"|"+req.Messages[0].Content)
		fn := sm.answer
		sm.mu.Unlock()
		status, text := fn(kind, user)
		if status != 200 {
			w.WriteHeader(status)
			w.Write([]byte(`{"error":{"message":"` + text + `"}}`))
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"model": req.Model, "choices": []any{map[string]any{"index": 0,
			"message": map[string]any{"role": "assistant", "content": text}, "finish_reason": "stop"}}})
	}))
	t.Cleanup(sm.Close)
	return sm
}

func (sm *scriptedModel) set(answer func(kind, user string) (int, string)) {
	sm.mu.Lock()
	sm.answer = answer
	sm.mu.Unlock()
}

func (sm *scriptedModel) count(kind string) int {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	return sm.calls[kind]
}

var (
	factRE     = regexp.MustCompile(`USER: (?:FACT|Fact|fact): ([^\n]+)`)
	existingRE = regexp.MustCompile(`\{"id":"(\d+)","text":"([^"]*)"\}`)
)

// factsModel extracts every "FACT: ..." line of the user's messages as one
// memory; on consolidation, a new fact about the same subject ("The user
// lives in X") UPDATEs the existing one, anything else is ADDed.
func factsModel(kind, user string) (int, string) {
	if kind == "extract" {
		var mems []map[string]string
		for _, m := range factRE.FindAllStringSubmatch(user, -1) {
			mems = append(mems, map[string]string{"content": m[1]})
		}
		b, _ := json.Marshal(map[string]any{"memories": mems})
		return 200, "```json\n" + string(b) + "\n```"
	}
	newPart := user[strings.Index(user, "NEW: ")+5:]
	var fresh []string
	json.Unmarshal([]byte(strings.TrimSpace(newPart)), &fresh)
	var ops []map[string]string
	for _, f := range fresh {
		op := map[string]string{"action": "ADD", "text": f}
		for _, ex := range existingRE.FindAllStringSubmatch(user, -1) {
			if subject(ex[2]) != "" && subject(ex[2]) == subject(f) {
				op = map[string]string{"action": "UPDATE", "id": ex[1], "text": f}
			}
		}
		ops = append(ops, op)
	}
	b, _ := json.Marshal(map[string]any{"operations": ops})
	return 200, string(b)
}

// subject is the text up to " in " ("The user lives in Porto" → "The user lives").
func subject(s string) string {
	if i := strings.Index(s, " in "); i > 0 {
		return s[:i]
	}
	return ""
}
