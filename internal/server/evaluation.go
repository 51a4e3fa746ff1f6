package server

import (
	"fmt"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// newEvaluation builds the Evaluations service on the server's model
// provider (the one Memory uses; nil = none, judge calls then fail per
// result with ModelNotConfigured).
func (s *Server) newEvaluation(prov model.Provider, tags *tagging.Service) (*evaluation.Service, error) {
	cfg := s.cfg
	mm, err := parseModelMap(cfg.EvalJudgeModelMap)
	if err != nil {
		return nil, err
	}
	builtinModel := cfg.EvalJudgeModel
	if builtinModel == "" {
		builtinModel = cfg.Model
	}
	svc := evaluation.New(evaluation.Options{KV: s.kv, Model: prov, Logger: cfg.Logger, Region: cfg.Region,
		JudgeConcurrency: cfg.EvalJudgeConcurrency, JudgeTimeout: cfg.EvalJudgeTimeout, JudgeRetries: cfg.EvalJudgeRetries,
		BuiltinModel: builtinModel, ModelMap: mm})
	tags.AddChecker(svc.Exists)
	cfg.Logger.Info("evaluations", "judge", providerName(prov), "builtinModel", builtinModel, "modelMap", mm)
	return svc, nil
}

// parseModelMap reads --eval-judge-model-map ("id=name,id2=name2,*=name").
func parseModelMap(v string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range strings.Split(v, ",") {
		if strings.TrimSpace(kv) == "" {
			continue
		}
		k, name, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("--eval-judge-model-map: %q is not modelId=name", kv)
		}
		m[strings.TrimSpace(k)] = strings.TrimSpace(name)
	}
	return m, nil
}
