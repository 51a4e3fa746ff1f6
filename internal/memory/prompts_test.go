package memory

import (
	"strings"
	"testing"
)

func TestParseCandidates(t *testing.T) {
	good := map[string][]string{
		`{"memories":[{"content":"a"},{"content":" b "}]}`:     {"a", "b"},
		"Here you go:\n```json\n{\"memories\":[\"x\"]}\n```\n": {"x"},
		`[{"text":"t"},{"fact":"f"}]`:                          {"t", "f"},
		`{"facts":[{"memory":"m"}]}`:                           {"m"},
		`{"memories":[]}`:                                      nil,
		`{"memories":[{"content":""}]}`:                        nil,
	}
	for in, want := range good {
		got, err := parseCandidates(in)
		if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%q: got %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "no json here", `{"memories": "a string"}`, `{"other": []}`, `{"memories":[42]}`, `{"memories":[{"content": 7}]}`, `{"memories": [`} {
		if got, err := parseCandidates(bad); err == nil && len(got) > 0 {
			t.Errorf("%q: accepted as %q", bad, got)
		}
	}
}

func TestParseOperations(t *testing.T) {
	ops, err := parseOperations("```json\n{\"operations\":[{\"action\":\"update\",\"id\":\"1\",\"text\":\" x \"},{\"action\":\"NONE\"}]}\n```")
	if err != nil || len(ops) != 2 || ops[0].Action != "UPDATE" || ops[0].Text != "x" {
		t.Fatalf("%+v %v", ops, err)
	}
	if ops, err := parseOperations(`[{"action":"ADD","text":"y"}]`); err != nil || len(ops) != 1 {
		t.Fatalf("bare list: %+v %v", ops, err)
	}
	for _, bad := range []string{"nope", `{"operations": 5}`, `{"ops": []}`} {
		if _, err := parseOperations(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestValidation(t *testing.T) {
	for _, ok := range []string{"/facts/{actorId}/", "summaries/{actorId}/{sessionId}", "/strategies/{memoryStrategyId}/actors/{actorId}/"} {
		if err := validateTemplate(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"/x/{userId}/", "/x/{actorId", "has space/", "", strings.Repeat("a", 1025)} {
		if err := validateTemplate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := validateActorSession("user/alice:1", "s-1_2"); err != nil {
		t.Fatal(err)
	}
	if err := validateActorSession("a|b", "s"); err == nil {
		t.Fatal("'|' is the key separator and must be refused")
	}
	if validateEventID("0000001752235548000#00000000abcdef01") != nil || validateEventID("12#xyz") == nil {
		t.Fatal("event ids")
	}
	if _, err := eventKeySuffix("99999999999999999999999#1"); err == nil {
		t.Fatal("overflowing event id accepted")
	}
}
