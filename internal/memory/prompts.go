package memory

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Prompt markers let scripted test models (and humans reading logs) tell
// the pipeline's two calls apart.
const (
	markerExtract     = "TASK: EXTRACT MEMORIES"
	markerConsolidate = "TASK: CONSOLIDATE MEMORIES"
)

// baseType is the built-in behaviour a strategy follows (custom strategies
// follow the type they override).
func baseType(st *Strategy) string {
	if st.Type != TypeCustom || st.Configuration == nil {
		return st.Type
	}
	switch st.Configuration.Type {
	case "SUMMARY_OVERRIDE":
		return TypeSummary
	case "USER_PREFERENCE_OVERRIDE":
		return TypeUserPreference
	case "EPISODIC_OVERRIDE":
		return TypeEpisodic
	case "SELF_MANAGED":
		return "SELF_MANAGED"
	}
	return TypeSemantic
}

var extractInstructions = map[string]string{
	TypeSemantic: `Extract the durable facts stated in the conversation: facts about the user, their work, their world and the
things they asked about. Each fact must stand alone (name the subject; no pronouns without referents), be one sentence
and be worth remembering in a later conversation. Skip greetings, small talk and the assistant's own opinions.`,
	TypeUserPreference: `Extract the user's preferences: likes, dislikes, habits, choices and style the user states or clearly
shows (e.g. "The user prefers window seats"). Each preference is one self-contained sentence. Skip anything that is
not a preference of the user.`,
	TypeSummary: `Write a concise summary of the conversation so far: topics, decisions, open questions and outcomes, in a few
sentences. Return exactly one memory holding the summary.`,
	TypeEpisodic: `Describe the episode in the conversation: what the user tried to achieve, the steps taken, the outcome and
what would help next time. Return one memory per distinct episode.`,
}

func extractionPrompt(st *Strategy, ov *Override, history, transcript string) []struct{ role, text string } {
	typ := baseType(st)
	ins := extractInstructions[typ]
	if ins == "" {
		ins = extractInstructions[TypeSemantic]
	}
	if ov != nil && ov.AppendToPrompt != "" {
		ins += "\n\nAdditional instructions:\n" + ov.AppendToPrompt
	}
	sys := markerExtract + "\nStrategy: " + typ + "\n\n" + ins + `

Answer with JSON only, exactly this shape: {"memories": [{"content": "<one memory>"}]}
Return {"memories": []} when there is nothing worth remembering.`
	user := "Conversation:\n" + transcript
	if history != "" {
		user = "Earlier in the conversation (context only; extract nothing from it):\n" + history + "\n\n" + user
	}
	return []struct{ role, text string }{{"system", sys}, {"user", user}}
}

type existingRecord struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func consolidationPrompt(st *Strategy, ov *Override, existing []existingRecord, candidates []string) []struct{ role, text string } {
	ins := `You maintain a store of memories. Compare the NEW memories with the EXISTING ones and decide, for each new
memory, one operation:
- ADD: it is new information; give its text.
- UPDATE: it refines, corrects or contradicts an existing memory; give that memory's id and the merged, current text.
- DELETE: an existing memory is now wrong or obsolete and the new one does not replace it; give its id.
- NONE: it is already known; nothing to do.
When a new memory contradicts an existing one, UPDATE the existing memory instead of adding a second one.`
	if baseType(st) == TypeSummary {
		ins += "\nFor summaries: UPDATE the existing summary of the same conversation with a merged summary."
	}
	if ov != nil && ov.AppendToPrompt != "" {
		ins += "\n\nAdditional instructions:\n" + ov.AppendToPrompt
	}
	sys := markerConsolidate + "\n\n" + ins + `

Answer with JSON only, exactly this shape:
{"operations": [{"action": "ADD|UPDATE|DELETE|NONE", "id": "<existing id for UPDATE/DELETE>", "text": "<text for ADD/UPDATE>"}]}`
	ex, _ := json.Marshal(existing)
	nw, _ := json.Marshal(candidates)
	return []struct{ role, text string }{{"system", sys}, {"user", fmt.Sprintf("EXISTING: %s\nNEW: %s", ex, nw)}}
}

// jsonBody finds the JSON value in a model answer (which may wrap it in a
// code fence or prose).
func jsonBody(s string) string {
	for { // reasoning models may think aloud first
		i := strings.Index(s, "<think>")
		j := strings.Index(s, "</think>")
		if i < 0 || j < i {
			break
		}
		s = s[:i] + s[j+len("</think>"):]
	}
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "```"); i >= 0 {
		rest := s[i+3:]
		rest = strings.TrimPrefix(rest, "json")
		if j := strings.Index(rest, "```"); j >= 0 {
			s = strings.TrimSpace(rest[:j])
		}
	}
	start := strings.IndexAny(s, "{[")
	if start < 0 {
		return s
	}
	end := strings.LastIndexAny(s, "}]")
	if end < start {
		return s
	}
	return s[start : end+1]
}

// parseCandidates reads the extraction answer: {"memories":[{"content":..}]}
// (also accepting a bare list, strings, or "text"/"fact" members).
func parseCandidates(answer string) ([]string, error) {
	body := jsonBody(answer)
	var raw json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		return nil, fmt.Errorf("the model's extraction answer is not the expected JSON ({\"memories\":[...]}): %.120q", answer)
	}
	var obj map[string]json.RawMessage
	list := raw
	if json.Unmarshal(raw, &obj) == nil {
		var ok bool
		for _, k := range []string{"memories", "facts", "preferences", "summaries", "episodes", "records"} {
			if list, ok = obj[k]; ok {
				break
			}
		}
		if !ok {
			return nil, fmt.Errorf("the model's extraction answer has no \"memories\" list: %.120q", answer)
		}
	}
	var items []json.RawMessage
	if err := json.Unmarshal(list, &items); err != nil {
		return nil, fmt.Errorf("the model's \"memories\" member is not a list: %.120q", answer)
	}
	var out []string
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) != nil {
			var o map[string]any
			if json.Unmarshal(it, &o) != nil {
				return nil, fmt.Errorf("a memory in the model's answer is neither text nor an object: %.80q", string(it))
			}
			for _, k := range []string{"content", "text", "fact", "memory", "summary"} {
				if v, ok := o[k].(string); ok {
					s = v
					break
				}
			}
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

type operation struct {
	Action string `json:"action"`
	ID     string `json:"id"`
	Text   string `json:"text"`
}

func parseOperations(answer string) ([]operation, error) {
	body := jsonBody(answer)
	var obj struct {
		Operations []operation `json:"operations"`
	}
	if err := json.Unmarshal([]byte(body), &obj); err != nil || obj.Operations == nil {
		var list []operation
		if err2 := json.Unmarshal([]byte(body), &list); err2 != nil {
			return nil, fmt.Errorf("the model's consolidation answer is not the expected JSON ({\"operations\":[...]}): %.120q", answer)
		}
		obj.Operations = list
	}
	for i := range obj.Operations {
		obj.Operations[i].Action = strings.ToUpper(strings.TrimSpace(obj.Operations[i].Action))
		obj.Operations[i].Text = strings.TrimSpace(obj.Operations[i].Text)
	}
	return obj.Operations, nil
}
