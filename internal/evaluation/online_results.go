package evaluation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Attributes of the evaluation result spans written into a session.
const (
	AttrEvalName        = "gen_ai.evaluation.name"
	AttrEvalScore       = "gen_ai.evaluation.score.value"
	AttrEvalLabel       = "gen_ai.evaluation.score.label"
	AttrEvalExplanation = "gen_ai.evaluation.explanation"
	AttrOnlineConfigID  = "aws.bedrock_agentcore.online_evaluation_config.id"
	AttrOnlineConfigARN = "aws.bedrock_agentcore.online_evaluation_config.arn"
	AttrEvaluatorARN    = "aws.bedrock_agentcore.evaluator.arn"
	AttrEvaluatorID     = "aws.bedrock_agentcore.evaluator.id"
)

// OnlineResult is one stored online evaluation result.
type OnlineResult struct {
	ConfigID      string    `json:"onlineEvaluationConfigId"`
	ConfigARN     string    `json:"onlineEvaluationConfigArn"`
	SessionID     string    `json:"sessionId"`
	TraceID       string    `json:"traceId,omitempty"`
	SpanID        string    `json:"spanId,omitempty"`
	EvaluatorID   string    `json:"evaluatorId"`
	EvaluatorARN  string    `json:"evaluatorArn"`
	EvaluatorName string    `json:"evaluatorName"`
	Value         *float64  `json:"value,omitempty"`
	Label         string    `json:"label,omitempty"`
	Explanation   string    `json:"explanation,omitempty"`
	ErrorCode     string    `json:"errorCode,omitempty"`
	ErrorMessage  string    `json:"errorMessage,omitempty"`
	InputTokens   int64     `json:"inputTokens,omitempty"`
	OutputTokens  int64     `json:"outputTokens,omitempty"`
	ResultTraceID string    `json:"resultTraceId"`
	ResultSpanID  string    `json:"resultSpanId"`
	EvaluatedAt   time.Time `json:"evaluatedAt"`
}

// record stores a session's results of one evaluator, writes each as a
// span into the evaluated trace and counts it.
func (s *Online) record(ctx context.Context, j job, res []Result, idx *docIndex) error {
	if len(res) == 0 {
		return nil
	}
	now := s.o.Now().UTC()
	spans := make([]observability.Span, 0, len(res))
	ops := make([]store.Op, 0, len(res))
	for _, r := range res {
		sid := j.sess.SessionID
		traceID, parent := r.TraceID, r.SpanID
		if traceID == "" && parent != "" {
			traceID = idx.traceOf[parent]
		}
		if traceID == "" && len(idx.traces) > 0 { // a session-level result goes into the session's first trace
			traceID = idx.traces[0]
		}
		if parent == "" {
			parent = idx.root[traceID]
		}
		or := OnlineResult{ConfigID: j.cfg.ID, ConfigARN: j.cfg.ARN, SessionID: sid, TraceID: r.TraceID, SpanID: r.SpanID,
			EvaluatorID: r.EvaluatorID, EvaluatorARN: r.EvaluatorARN, EvaluatorName: r.EvaluatorName, Value: r.Value,
			Label: r.Label, Explanation: r.Explanation, ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage,
			InputTokens: r.InputTokens, OutputTokens: r.OutputTokens, ResultTraceID: traceID, ResultSpanID: randomHex(8), EvaluatedAt: now}
		spans = append(spans, s.resultSpan(j, or, parent))
		key := fmt.Sprintf("%s/%s/%s/%s/%s/%s", j.cfg.Account, sid, j.cfg.ID, r.EvaluatorID, r.TraceID, r.SpanID)
		ops = append(ops, store.PutJSON(tblOnlineRes, key, or))
		if s.o.Observer != nil {
			outcome := "ok"
			if r.ErrorCode != "" {
				outcome = "error"
			}
			s.o.Observer.OnlineEvaluation(r.EvaluatorID, outcome)
		}
	}
	if err := s.kv.Txn(ctx, ops...); err != nil {
		return err
	}
	return s.o.Sessions.StoreSpans(ctx, spans)
}

// resultSpan is a result as a span of the evaluated session and trace.
func (s *Online) resultSpan(j job, r OnlineResult, parent string) observability.Span {
	attrs := map[string]any{
		AttrEvalName: r.EvaluatorName, "session.id": r.SessionID,
		AttrOnlineConfigID: r.ConfigID, AttrOnlineConfigARN: r.ConfigARN,
		AttrEvaluatorARN: r.EvaluatorARN, AttrEvaluatorID: r.EvaluatorID,
		observability.AttrRuntimeARN: j.target.RuntimeARN,
		"gen_ai.operation.name":      "evaluation",
	}
	if r.Value != nil {
		attrs[AttrEvalScore] = *r.Value
	}
	if r.Label != "" {
		attrs[AttrEvalLabel] = r.Label
	}
	if r.Explanation != "" {
		attrs[AttrEvalExplanation] = r.Explanation
	}
	if r.SpanID != "" {
		attrs["gen_ai.evaluation.target.span_id"] = r.SpanID
	}
	sp := observability.Span{Account: j.cfg.Account, TraceID: r.ResultTraceID, SpanID: r.ResultSpanID, ParentSpanID: parent,
		Name: "evaluation " + r.EvaluatorName, Kind: 1, Start: r.EvaluatedAt, End: r.EvaluatedAt, StatusCode: 1,
		Attributes: attrs, Resource: map[string]any{"service.name": "agentcore.evaluation",
			"aws.log.group.names": j.cfg.Output.LogGroupName}}
	if r.ErrorCode != "" {
		sp.StatusCode, sp.StatusMessage = 2, r.ErrorCode+": "+r.ErrorMessage
		attrs["error.type"] = r.ErrorCode
	}
	return sp
}

// Results lists the online evaluation results of a session of the
// caller's account (all configs), oldest key first.
func (s *Online) Results(ctx context.Context, sessionID string) ([]OnlineResult, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if sessionID == "" || len(sessionID) > 256 {
		return nil, errs.Field("sessionId", "sessionId is required (1 to 256 characters)")
	}
	prefix := t.Account + "/" + sessionID + "/"
	out := []OnlineResult{}
	after := ""
	for {
		items, err := s.kv.List(ctx, tblOnlineRes, prefix, after, 500)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			var r OnlineResult
			if err := json.Unmarshal(it.Value, &r); err == nil {
				out = append(out, r)
			}
		}
		if len(items) < 500 {
			return out, nil
		}
		after = items[len(items)-1].Key
	}
}

func decodeConfig(b []byte) (*OnlineConfig, error) {
	var c OnlineConfig
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand never fails on Linux
	return hex.EncodeToString(b)
}
