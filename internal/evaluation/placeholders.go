package evaluation

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Placeholders of judge instructions, replaced with the evaluated data
// before the instructions go to the judge (see docs/evaluations.md).
const (
	PhContext            = "context"             // the conversation up to what is judged
	PhAssistantTurn      = "assistant_turn"      // TRACE: the agent's response of the turn
	PhToolTurn           = "tool_turn"           // TOOL_CALL: the tool call judged
	PhAvailableTools     = "available_tools"     // tools offered to the agent
	PhActualTrajectory   = "actual_trajectory"   // SESSION: the tool names called, in order
	PhExpectedTrajectory = "expected_trajectory" // reference: expectedTrajectory.toolNames
	PhExpectedResponse   = "expected_response"   // reference: expectedResponse.text
	PhAssertions         = "assertions"          // reference: assertions[].text
)

// levelPlaceholders says, per level, which placeholders instructions may
// use (allowed), which they must all use (required), and of which they
// must use at least one (oneOf).
var levelPlaceholders = map[string]struct{ allowed, required, oneOf []string }{
	LevelSession: {
		allowed: []string{PhContext, PhAvailableTools, PhActualTrajectory, PhExpectedTrajectory, PhAssertions},
		oneOf:   []string{PhContext, PhActualTrajectory},
	},
	LevelTrace: {
		allowed:  []string{PhContext, PhAssistantTurn, PhAvailableTools, PhExpectedResponse, PhAssertions},
		required: []string{PhContext, PhAssistantTurn},
	},
	LevelToolCall: {
		allowed:  []string{PhContext, PhToolTurn, PhAvailableTools},
		required: []string{PhToolTurn},
		oneOf:    []string{PhContext, PhAvailableTools},
	},
}

var placeholderRE = regexp.MustCompile(`\{([a-z_]+)\}`)

// knownPlaceholders are every level's placeholders together.
var knownPlaceholders = []string{PhContext, PhAssistantTurn, PhToolTurn, PhAvailableTools, PhActualTrajectory,
	PhExpectedTrajectory, PhExpectedResponse, PhAssertions}

// usedPlaceholders lists the known placeholders instructions use.
func usedPlaceholders(instr string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(instr, -1) {
		if slices.Contains(knownPlaceholders, m[1]) && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// checkInstructions validates custom instructions for a level: the
// required placeholders are there and none of another level is used.
func checkInstructions(level, instr string) error {
	if strings.TrimSpace(instr) == "" {
		return errs.Field("evaluatorConfig.llmAsAJudge.instructions", "instructions must not be empty")
	}
	if len(instr) > 100000 {
		return errs.Field("evaluatorConfig.llmAsAJudge.instructions", "instructions are at most 100000 characters")
	}
	lp := levelPlaceholders[level]
	used := usedPlaceholders(instr)
	var missing, wrong []string
	for _, p := range lp.required {
		if !slices.Contains(used, p) {
			missing = append(missing, "{"+p+"}")
		}
	}
	for _, p := range used {
		if !slices.Contains(lp.allowed, p) {
			wrong = append(wrong, "{"+p+"}")
		}
	}
	if len(lp.oneOf) > 0 && !slices.ContainsFunc(lp.oneOf, func(p string) bool { return slices.Contains(used, p) }) {
		missing = append(missing, "one of {"+strings.Join(lp.oneOf, "} or {")+"}")
	}
	switch {
	case len(missing) > 0:
		return errs.Field("evaluatorConfig.llmAsAJudge.instructions", "instructions of a %s-level evaluator are missing placeholders: %s (allowed at this level: {%s})",
			level, strings.Join(missing, ", "), strings.Join(lp.allowed, "}, {"))
	case len(wrong) > 0:
		return errs.Field("evaluatorConfig.llmAsAJudge.instructions", "placeholders %s cannot be used by a %s-level evaluator (allowed: {%s})",
			strings.Join(wrong, ", "), level, strings.Join(lp.allowed, "}, {"))
	}
	return nil
}

// render replaces the placeholders of instr with vals in one pass (text
// inside the values is never expanded again).
func render(instr string, vals map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(instr, func(m string) string {
		if v, ok := vals[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}
