package server

// THROWAWAY until h/eval and h/espans are merged: a minimal judge standing
// in for evaluation.Service.Evaluate / Evaluator, and session documents
// standing in for observability.Service.SessionDocuments. At merge, delete
// this file, pass H-eval's Service methods in startEvaluationData and use
// s.obs directly as the SessionSource.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/agentcore-dev/agentcore/internal/model/openai"
)

func (s *Server) batchEvaluator() (func(context.Context, evaluation.EvaluateInput) ([]evaluation.Result, error), func(context.Context, string) error) {
	var prov model.Provider = model.Unconfigured{}
	if s.cfg.ModelProvider == "openai" && s.cfg.ModelEndpoint != "" {
		prov = openai.New(s.cfg.ModelEndpoint, s.cfg.ModelAPIKey, s.cfg.Model)
	}
	check := func(_ context.Context, id string) error {
		if !strings.HasPrefix(id, "Builtin.") {
			return errs.E(errs.NotFound, "evaluator %s not found", id)
		}
		return nil
	}
	evaluate := func(ctx context.Context, in evaluation.EvaluateInput) ([]evaluation.Result, error) {
		var b strings.Builder
		for _, d := range in.Documents {
			attrs, _ := json.Marshal(d["attributes"])
			fmt.Fprintf(&b, "span %v: %s\n", d["name"], attrs)
		}
		for _, r := range in.References {
			if r.ExpectedResponse != nil {
				fmt.Fprintf(&b, "expected response: %s\n", *r.ExpectedResponse)
			}
		}
		sid, _ := in.Documents[0]["attributes"].(map[string]any)["session.id"].(string)
		res := evaluation.Result{SessionID: sid, EvaluatorID: in.EvaluatorID, EvaluatorName: in.EvaluatorID,
			EvaluatorARN: "arn:aws:bedrock-agentcore:::evaluator/" + in.EvaluatorID}
		resp, err := prov.Chat(ctx, model.Request{JSON: true, Messages: []model.Message{
			{Role: "system", Content: "You are an evaluator (" + in.EvaluatorID + "). Answer with JSON {\"score\": 0..1, \"label\": string, \"explanation\": string}."},
			{Role: "user", Content: b.String()}}})
		if err != nil {
			res.ErrorCode, res.ErrorMessage = "ModelError", err.Error()
			return []evaluation.Result{res}, nil
		}
		var ans struct {
			Score       *float64 `json:"score"`
			Label       string   `json:"label"`
			Explanation string   `json:"explanation"`
		}
		if json.Unmarshal([]byte(resp.Text), &ans) != nil || ans.Score == nil {
			res.ErrorCode, res.ErrorMessage = "UnparsableJudgeAnswer", "the judge's answer has no score"
			return []evaluation.Result{res}, nil
		}
		res.Value, res.Label, res.Explanation = ans.Score, ans.Label, ans.Explanation
		res.InputTokens, res.OutputTokens = int64(resp.InputTokens), int64(resp.OutputTokens)
		return []evaluation.Result{res}, nil
	}
	return evaluate, check
}
