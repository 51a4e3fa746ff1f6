package evaluation

// THROWAWAY (H-online): the H-eval contract of the shared brief, so the
// online runner builds before h/eval is merged. Delete this file at merge.

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

type Options struct {
	KV               store.KV
	Model            model.Provider
	Logger           *slog.Logger
	Region           string
	JudgeConcurrency int
	JudgeTimeout     time.Duration
	JudgeRetries     int
	Now              func() time.Time
}

type Service struct{ o Options }

func New(o Options) *Service {
	if o.Model == nil {
		o.Model = model.Unconfigured{}
	}
	return &Service{o: o}
}

type Evaluator struct {
	ID, ARN, Name string
	Level         string // SESSION, TRACE or TOOL_CALL
}

func (s *Service) Evaluator(ctx context.Context, id string) (*Evaluator, error) {
	if _, err := tenant.From(ctx); err != nil {
		return nil, err
	}
	lv := map[string]string{"Builtin.Helpfulness": "TRACE", "Builtin.Correctness": "TRACE", "Builtin.GoalSuccessRate": "SESSION",
		"Builtin.ToolSelectionAccuracy": "TOOL_CALL"}[id]
	if lv == "" {
		return nil, errs.E(errs.NotFound, "evaluator %s not found", id)
	}
	return &Evaluator{ID: id, ARN: "arn:aws:bedrock-agentcore:::evaluator/" + id, Name: id, Level: lv}, nil
}

type EvaluateInput struct {
	EvaluatorID string
	Documents   []map[string]any
	TraceIDs    []string
	SpanIDs     []string
	References  []Reference
}

type Reference struct {
	SessionID, TraceID, SpanID string
	Assertions                 []string
	ExpectedResponse           *string
	ExpectedTrajectory         []string
}

type Result struct {
	SessionID, TraceID, SpanID               string
	EvaluatorID, EvaluatorARN, EvaluatorName string
	DimensionName                            string
	Value                                    *float64
	Label                                    string
	Explanation                              string
	InputTokens, OutputTokens, TotalTokens   int64
	ErrorCode, ErrorMessage                  string
	IgnoredReferenceFields                   []string
}

func (s *Service) Evaluate(ctx context.Context, in EvaluateInput) ([]Result, error) {
	ev, err := s.Evaluator(ctx, in.EvaluatorID)
	if err != nil {
		return nil, err
	}
	sid := ""
	var traces []string
	seen := map[string]bool{}
	for _, d := range in.Documents {
		if a, ok := d["attributes"].(map[string]any); ok && sid == "" {
			sid, _ = a["session.id"].(string)
		}
		if t, _ := d["traceId"].(string); t != "" && !seen[t] {
			seen[t] = true
			traces = append(traces, t)
		}
	}
	if len(traces) == 0 {
		return nil, errs.E(errs.Invalid, "no usable span in sessionSpans")
	}
	targets := traces
	if len(in.TraceIDs) > 0 {
		targets = in.TraceIDs
	}
	if ev.Level == "SESSION" {
		targets = []string{""}
	}
	var out []Result
	for _, tr := range targets {
		r := Result{SessionID: sid, TraceID: tr, EvaluatorID: ev.ID, EvaluatorARN: ev.ARN, EvaluatorName: ev.Name}
		b, _ := json.Marshal(in.Documents)
		resp, err := s.o.Model.Chat(ctx, model.Request{JSON: true, Messages: []model.Message{
			{Role: "system", Content: "You are a judge. Answer with JSON {\"score\": 0..1, \"label\": \"...\", \"explanation\": \"...\"}."},
			{Role: "user", Content: fmt.Sprintf("Evaluate %s of trace %s: %s", ev.Name, tr, b)}}})
		if err != nil {
			r.ErrorCode, r.ErrorMessage = "ModelError", err.Error()
			out = append(out, r)
			continue
		}
		var a struct {
			Score       any    `json:"score"`
			Label       string `json:"label"`
			Explanation string `json:"explanation"`
		}
		if json.Unmarshal([]byte(strings.TrimSpace(resp.Text)), &a) != nil {
			r.ErrorCode, r.ErrorMessage = "ParseError", "the judge's answer is not JSON"
			out = append(out, r)
			continue
		}
		if v, err := strconv.ParseFloat(fmt.Sprint(a.Score), 64); err == nil {
			r.Value = &v
		} else if a.Label != "" {
			v := 0.5
			r.Value = &v
		}
		r.Label, r.Explanation = a.Label, a.Explanation
		r.InputTokens, r.OutputTokens = int64(resp.InputTokens), int64(resp.OutputTokens)
		r.TotalTokens = r.InputTokens + r.OutputTokens
		out = append(out, r)
	}
	return out, nil
}
