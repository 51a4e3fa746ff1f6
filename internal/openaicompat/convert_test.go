package openaicompat

import (
	"strings"
	"testing"
)

func TestAnswerText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"result":{"role":"assistant","content":[{"text":"a"},{"text":"b"}]}}`, "ab"},
		{`{"result":"plain"}`, "plain"},
		{`{"response":[{"text":"strands"}]}`, "strands"},
		{`{"output":{"message":{"role":"assistant","content":[{"text":"converse"}]}}}`, "converse"},
		{`{"choices":[{"message":{"role":"assistant","content":"openai"}}]}`, "openai"},
		{`"just a string"`, "just a string"},
		{`{"other":1}`, `{"other":1}`},
		{`not json`, "not json"},
	} {
		if got := newCompletion("m").answerText([]byte(tc.in)); got != tc.want {
			t.Errorf("answerText(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEventText(t *testing.T) {
	for _, tc := range []struct{ in, delta, final string }{
		{`{"event":{"contentBlockDelta":{"delta":{"text":"d"}}}}`, "d", ""},
		{`{"data":"strands"}`, "strands", ""},
		{`"bare"`, "bare", ""},
		{`{"choices":[{"delta":{"content":"oa"}}]}`, "oa", ""},
		{`{"text":"t"}`, "t", ""},
		{`{"message":{"role":"assistant","content":[{"text":"all"}]}}`, "", "all"},
		{`{"event":{"metadata":{"usage":{"inputTokens":1,"outputTokens":2}}}}`, "", ""},
		{`plain text`, "plain text", ""},
	} {
		d, f := newCompletion("m").eventText([]byte(tc.in))
		if d != tc.delta || f != tc.final {
			t.Errorf("eventText(%s) = %q, %q; want %q, %q", tc.in, d, f, tc.delta, tc.final)
		}
	}
	c := newCompletion("m")
	c.eventText([]byte(`{"event":{"metadata":{"usage":{"inputTokens":3,"outputTokens":4}}}}`))
	if c.usage["total_tokens"] != 7 {
		t.Errorf("usage %v", c.usage)
	}
}

func TestReadSSE(t *testing.T) {
	in := "event: x\ndata: {\"a\":1}\n\ndata: line1\ndata: line2\n\n: comment\ndata:nospace\n\ndata: [DONE]\n\ndata: after\n\n"
	var got []string
	if err := readSSE(strings.NewReader(in), func(d []byte) bool { got = append(got, string(d)); return true }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != `{"a":1}|line1`+"\n"+`line2|nospace` {
		t.Fatalf("events %q", got)
	}
}

func TestCodeOf(t *testing.T) {
	for in, want := range map[string]string{"RuntimeClientError": "runtime_client_error", "ValidationException": "validation",
		"ResourceNotFoundException": "resource_not_found"} {
		if got := codeOf(in); got != want {
			t.Errorf("codeOf(%s) = %s, want %s", in, got, want)
		}
	}
}
