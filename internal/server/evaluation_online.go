package server

import (
	"context"

	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// startOnlineEvaluation builds the online evaluation configs and starts
// their runner (every --eval-online-poll; sessions idle for
// min(config's timeout, --eval-online-idle when set); at most
// --eval-online-concurrency sessions at once). The runner needs the span
// store: without observability configs can be managed but nothing runs.
func (s *Server) startOnlineEvaluation(judge evaluation.Judge, tags *tagging.Service) *evaluation.Online {
	cfg := s.cfg
	o := evaluation.OnlineOptions{KV: s.kv, Judge: judge, Poll: cfg.EvalOnlinePoll, MaxIdle: cfg.EvalOnlineIdle,
		Concurrency: cfg.EvalOnlineConcurrency, Logger: cfg.Logger, Observer: s.tel.Metrics}
	if s.runtime != nil {
		o.Runtimes = runtimeEndpoints{s.runtime}
	}
	if s.obs != nil {
		o.Sessions = s.obs
	} else {
		cfg.Logger.Warn("online evaluation: observability is off; configs are kept but no session is evaluated")
	}
	svc := evaluation.NewOnline(o)
	svc.Start()
	s.closers.push("online evaluation", svc.Close)
	tags.AddChecker(svc.Exists)
	return svc
}

// runtimeEndpoints resolves a log group's runtime and endpoint.
type runtimeEndpoints struct{ rt *runtime.Service }

func (r runtimeEndpoints) RuntimeEndpointARN(ctx context.Context, runtimeID, endpoint string) (string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return "", err
	}
	if endpoint == "" {
		if _, err := r.rt.Get(ctx, runtimeID, 0); err != nil {
			return "", err
		}
	} else if _, err := r.rt.GetEndpoint(ctx, runtimeID, endpoint); err != nil {
		return "", err
	}
	return runtime.RuntimeARN(t.Region, t.Account, runtimeID), nil
}
