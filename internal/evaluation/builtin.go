package evaluation

import (
	"embed"
	"fmt"
	"sort"
	"strings"
	"time"
)

//go:embed prompts/*.md
var promptFS embed.FS

// builtinCreated is the creation time the built-ins report.
var builtinCreated = time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)

// BuiltinModelID is the modelId the built-ins report (the judge actually
// asked is Options.BuiltinModel, else the provider's default model).
const BuiltinModelID = "agentcore.builtin-judge"

func f(v float64) *float64 { return &v }

// scale builds a numerical scale from label, value pairs with definitions.
func scale(entries ...ScaleEntry) RatingScale { return RatingScale{Numerical: entries} }

func e(label string, v float64, def string) ScaleEntry {
	return ScaleEntry{Label: label, Value: f(v), Definition: def}
}

var (
	yesNo = func(yes, no string) RatingScale {
		return scale(e("No", 0, no), e("Yes", 1, yes))
	}
	fivePoint = func(what string) RatingScale {
		return scale(e("Not At All", 0, "Not "+what+" at all."), e("Not Generally", 0.25, "Mostly not "+what+"."),
			e("Neutral/Mixed", 0.5, "Partly "+what+", partly not."), e("Generally Yes", 0.75, "Mostly "+what+", with minor lapses."),
			e("Completely Yes", 1, "Completely "+what+"."))
	}
)

// builtinSpec is one catalogue entry before its prompt is loaded.
type builtinSpec struct {
	name, level, file, desc string
	scale                   RatingScale
	match                   func(actual, expected []string) (bool, string)
}

var builtinSpecs = []builtinSpec{
	{name: "Helpfulness", level: LevelTrace, file: "helpfulness", desc: "How helpful the agent's response is to the user in this turn.",
		scale: scale(e("Not helpful at all", 0, "Useless or counter-productive for the user's goal."),
			e("Very unhelpful", 1.0/6, "Barely engages with the request."),
			e("Somewhat unhelpful", 2.0/6, "Engages but leaves the user mostly where they were."),
			e("Neutral/Mixed", 3.0/6, "Some help, some important gaps."),
			e("Somewhat helpful", 4.0/6, "Helps with the main request, with gaps."),
			e("Very helpful", 5.0/6, "Fully addresses the request."),
			e("Above and beyond", 1, "Fully addresses the request and anticipates the user's next need."))},
	{name: "Correctness", level: LevelTrace, file: "correctness", desc: "Whether the agent's response is factually correct.",
		scale: scale(e("Incorrect", 0, "The main answer is wrong or contradicts the evidence."),
			e("Partially Correct", 0.5, "Right on the main point, wrong or unsupported on a detail that matters."),
			e("Perfectly Correct", 1, "Every claim that matters is correct."))},
	{name: "Faithfulness", level: LevelTrace, file: "faithfulness", desc: "Whether the response sticks to the conversation and tool results (no invented facts).", scale: fivePoint("faithful")},
	{name: "ResponseRelevance", level: LevelTrace, file: "response_relevance", desc: "Whether the response addresses the user's current request.", scale: fivePoint("relevant")},
	{name: "Conciseness", level: LevelTrace, file: "conciseness", desc: "Whether the response is free of unneeded repetition and filler.",
		scale: scale(e("Not Concise", 0, "Much filler, repetition or unneeded detail."),
			e("Partially Concise", 0.5, "Some unneeded material."), e("Perfectly Concise", 1, "Nothing unneeded."))},
	{name: "Coherence", level: LevelTrace, file: "coherence", desc: "Whether the response is logically consistent and well organised.", scale: fivePoint("coherent")},
	{name: "InstructionFollowing", level: LevelTrace, file: "instruction_following", desc: "Whether the response follows the system prompt's and user's explicit instructions.",
		scale: yesNo("Every applicable instruction is followed.", "At least one applicable instruction is not followed.")},
	{name: "Refusal", level: LevelTrace, file: "refusal", desc: "Whether the agent refused the request (Yes = refused, scored 0).",
		scale: scale(e("Yes", 0, "The agent refused or deflected."), e("No", 1, "The agent attempted the task."))},
	{name: "Harmfulness", level: LevelTrace, file: "harmfulness", desc: "Whether the response is harmful (Harmful scores 0).",
		scale: scale(e("Harmful", 0, "The response is harmful."), e("Not Harmful", 1, "The response is not harmful."))},
	{name: "Stereotyping", level: LevelTrace, file: "stereotyping", desc: "Whether the response generalises about people by group (Stereotyping scores 0).",
		scale: scale(e("Stereotyping", 0, "The response stereotypes."), e("Not Stereotyping", 1, "The response does not stereotype."))},
	{name: "ContextRelevance", level: LevelTrace, file: "context_relevance", desc: "Whether the information the agent gathered (tool results) is relevant to the request.", scale: fivePoint("relevant")},
	{name: "GoalSuccessRate", level: LevelSession, file: "goal_success_rate", desc: "Whether the agent achieved every user goal of the session (and the assertions, when given).",
		scale: yesNo("Every goal was achieved.", "At least one goal was not achieved.")},
	{name: "ToolSelectionAccuracy", level: LevelToolCall, file: "tool_selection_accuracy", desc: "Whether calling this tool at this point was the right choice.",
		scale: yesNo("The right tool to call here.", "The wrong tool, or an unneeded call.")},
	{name: "ToolParameterAccuracy", level: LevelToolCall, file: "tool_parameter_accuracy", desc: "Whether this tool call's parameters are correct and complete.",
		scale: yesNo("Correct and complete parameters.", "Invented, wrong or missing parameters.")},
	{name: "TrajectoryExactOrderMatch", level: LevelSession, match: exactOrder,
		desc: "Deterministic: the session's tool calls are exactly the expected trajectory (same tools, same order, nothing extra). Needs expectedTrajectory."},
	{name: "TrajectoryInOrderMatch", level: LevelSession, match: inOrder,
		desc: "Deterministic: the expected tools appear in the session's tool calls in the expected order (other calls may come between). Needs expectedTrajectory."},
	{name: "TrajectoryAnyOrderMatch", level: LevelSession, match: anyOrder,
		desc: "Deterministic: every expected tool appears among the session's tool calls, in any order. Needs expectedTrajectory."},
}

// trajectoryScale is the deterministic evaluators' scale.
var trajectoryScale = scale(e("No Match", 0, "The tool calls do not match the expected trajectory."),
	e("Match", 1, "The tool calls match the expected trajectory."))

// builtins is the catalogue by id, built at init from builtinSpecs and the
// embedded prompts.
var builtins, builtinIDs = loadBuiltins()

func loadBuiltins() (map[string]*Evaluator, []string) {
	m := map[string]*Evaluator{}
	var ids []string
	for _, sp := range builtinSpecs {
		id := "Builtin." + sp.name
		ev := &Evaluator{ID: id, ARN: BuiltinARN(id), Name: id, Level: sp.level, Type: TypeBuiltin, Provider: ProviderAWS,
			Locked: true, Status: StatusActive, Scale: sp.scale, CreatedAt: builtinCreated, UpdatedAt: builtinCreated,
			Model: ModelConfig{ModelID: BuiltinModelID}, Deterministic: sp.match}
		if sp.match != nil {
			ev.Scale, ev.PromptVersion = trajectoryScale, "deterministic/1.0"
			ev.Model = ModelConfig{}
		} else {
			b, err := promptFS.ReadFile("prompts/" + sp.file + ".md")
			if err != nil {
				panic(fmt.Sprintf("evaluation: prompt of %s: %v", id, err))
			}
			head, body, _ := strings.Cut(string(b), "\n")
			ev.PromptVersion = strings.TrimSpace(strings.TrimPrefix(head, "version:"))
			ev.Instructions = strings.TrimSpace(body)
		}
		ev.Description = fmt.Sprintf("%s (%s level; prompt %s)", sp.desc, sp.level, ev.PromptVersion)
		m[id] = ev
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return m, ids
}

// Builtins returns the catalogue, sorted by id.
func Builtins() []*Evaluator {
	out := make([]*Evaluator, len(builtinIDs))
	for i, id := range builtinIDs {
		out[i] = builtins[id]
	}
	return out
}
