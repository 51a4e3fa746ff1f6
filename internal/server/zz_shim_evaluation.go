package server

// THROWAWAY (H-online): the evaluation service until h/eval's build step
// (internal/server/evaluation.go) is merged; then pass its service to
// startOnlineEvaluation and delete this file.

import (
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/agentcore-dev/agentcore/internal/model/openai"
)

func (s *Server) evaluationJudge() evaluation.Judge {
	var prov model.Provider = model.Unconfigured{}
	if s.cfg.ModelEndpoint != "" {
		prov = openai.New(s.cfg.ModelEndpoint, s.cfg.ModelAPIKey, s.cfg.Model)
	}
	return evaluation.New(evaluation.Options{KV: s.kv, Model: prov, Logger: s.cfg.Logger, Region: s.cfg.Region})
}
