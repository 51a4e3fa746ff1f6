package evaluation

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/evaluation/spans"
)

const noneGiven = "(none given)"

// values computes the placeholders an evaluator uses for one target.
func values(sess *spans.Session, tg target, refs []Reference, used []string) map[string]string {
	v := map[string]string{}
	for _, ph := range used {
		switch ph {
		case PhContext:
			v[ph] = contextText(sess, tg)
		case PhAssistantTurn:
			v[ph] = orNone(sess.Traces[tg.trace].Output, "(the agent gave no response)")
		case PhToolTurn:
			c := sess.Traces[tg.trace].ToolCalls[tg.tool]
			v[ph] = fmt.Sprintf("Tool: %s\nArguments: %s", c.Name, orNone(c.Input, "(none)"))
		case PhAvailableTools:
			v[ph] = availableTools(sess, tg)
		case PhActualTrajectory:
			v[ph] = list(trajectory(sess))
		case PhExpectedTrajectory:
			v[ph] = noneGiven
			for _, r := range refs {
				if r.ExpectedTrajectory != nil {
					v[ph] = list(r.ExpectedTrajectory)
				}
			}
		case PhExpectedResponse:
			v[ph] = noneGiven
			for _, r := range refs {
				if r.ExpectedResponse != nil {
					v[ph] = *r.ExpectedResponse
				}
			}
		case PhAssertions:
			var as []string
			for _, r := range refs {
				for _, a := range r.Assertions {
					as = append(as, "- "+a)
				}
			}
			v[ph] = orNone(strings.Join(as, "\n"), noneGiven)
		}
	}
	return v
}

func orNone(s, none string) string {
	if strings.TrimSpace(s) == "" {
		return none
	}
	return s
}

// contextText renders the conversation a target is judged in: SESSION →
// every turn; TRACE → earlier turns, then this turn's request and tool
// calls (not its response, which is {assistant_turn}); TOOL_CALL → earlier
// turns, this turn's request and the tool calls before the judged one.
func contextText(sess *spans.Session, tg target) string {
	var b strings.Builder
	last := tg.trace
	if last < 0 {
		last = len(sess.Traces) - 1
	}
	if sys := sess.Traces[max(last, 0)].System; sys != "" {
		fmt.Fprintf(&b, "System prompt: %s\n\n", sys)
	}
	if first := sess.Traces[0]; len(first.History) > 0 {
		b.WriteString("[Earlier conversation]\n")
		for _, m := range first.History {
			fmt.Fprintf(&b, "%s: %s\n", role(m.Role), m.Text)
		}
		b.WriteString("\n")
	}
	for i := 0; i <= last; i++ {
		t := sess.Traces[i]
		fmt.Fprintf(&b, "[Turn %d]\nUser: %s\n", i+1, orNone(t.Input, "(not recorded)"))
		calls := t.ToolCalls
		if i == tg.trace && tg.tool >= 0 {
			calls = calls[:tg.tool]
		}
		for _, c := range calls { // WriteString: a session's context repeats every earlier tool call
			status := "Tool result: "
			if c.Error {
				status = "Tool error: "
			}
			for _, s := range []string{"Tool call: ", c.Name, "(", c.Input, ")\n", status, orNone(c.Output, "(none)"), "\n"} {
				b.WriteString(s)
			}
		}
		if i < tg.trace || tg.trace < 0 {
			fmt.Fprintf(&b, "Assistant: %s\n", orNone(t.Output, "(no response)"))
		}
		if t.Error != "" && (i < tg.trace || tg.trace < 0) {
			fmt.Fprintf(&b, "(the turn failed: %s)\n", t.Error)
		}
		b.WriteString("\n")
	}
	return strings.TrimSpace(b.String())
}

func role(r string) string {
	if r == "" {
		return "Unknown"
	}
	return strings.ToUpper(r[:1]) + r[1:]
}

// availableTools lists the tools offered to the agent: the target turn's
// (every turn's for a session), else the tools seen called.
func availableTools(sess *spans.Session, tg target) string {
	var names []string
	add := func(n string) {
		if n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for i, t := range sess.Traces {
		if tg.trace >= 0 && i != tg.trace {
			continue
		}
		for _, n := range t.Tools {
			add(n)
		}
	}
	if len(names) == 0 {
		for _, t := range sess.Traces {
			for _, c := range t.ToolCalls {
				add(c.Name)
			}
		}
		if len(names) == 0 {
			return "(not recorded)"
		}
		return strings.Join(names, "\n") + "\n(the offered tools were not recorded; these are the tools the agent called)"
	}
	return strings.Join(names, "\n")
}
