package evaluation

import (
	"strings"
	"testing"
)

func TestParseAnswerStrict(t *testing.T) {
	sc := builtins["Builtin.Correctness"].Scale
	for _, c := range []struct{ text, label, err string }{
		{`{"label": "Perfectly Correct", "explanation": "ok"}`, "Perfectly Correct", ""},
		{"```json\n{\"label\": \"incorrect\"}\n```", "Incorrect", ""},
		{`{"score": 0.5}`, "Partially Correct", ""},
		{`{"score": 0.5, "label": "Incorrect"}`, "", "does not belong"},
		{`{"score": 0.7}`, "", "not one of"},
		{`{"label": "Mostly right"}`, "", "not one of"},
		{`The answer is correct.`, "", "not a single JSON object"},
		{`{"label": "Incorrect"} trailing`, "", "not a single JSON object"},
		{`{"explanation": "x"}`, "", "no \"label\""},
		{`["Incorrect"]`, "", "not a single JSON object"},
	} {
		a, err := parseAnswer(c.text, sc)
		switch {
		case c.err == "" && (err != nil || a.label != c.label):
			t.Errorf("%q: %v %+v", c.text, err, a)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%q: err %v, want %q", c.text, err, c.err)
		}
	}
}

func TestPlaceholderRules(t *testing.T) {
	for _, c := range []struct{ level, instr, err string }{
		{LevelTrace, "{context} {assistant_turn}", ""},
		{LevelTrace, "{context}", "{assistant_turn}"},
		{LevelTrace, "{context} {assistant_turn} {tool_turn}", "{tool_turn}"},
		{LevelSession, "{actual_trajectory} vs {expected_trajectory}", ""},
		{LevelSession, "{available_tools}", "one of {context} or {actual_trajectory}"},
		{LevelToolCall, "{tool_turn} {available_tools}", ""},
		{LevelToolCall, "{context}", "{tool_turn}"},
		{LevelTrace, "{context} {assistant_turn} and a JSON example {\"label\": 1} {unknown}", ""},
	} {
		err := checkInstructions(c.level, c.instr)
		if (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s %q: %v, want %q", c.level, c.instr, err, c.err)
		}
	}
	if got := render("a {context} b {context} {x}", map[string]string{"context": "{assistant_turn}"}); got != "a {assistant_turn} b {assistant_turn} {x}" {
		t.Fatal(got)
	}
	for _, b := range Builtins() {
		if b.Deterministic == nil && (b.Instructions == "" || b.PromptVersion == "") {
			t.Errorf("%s has no prompt", b.ID)
		}
	}
}
