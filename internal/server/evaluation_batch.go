package server

import (
	"context"
	"io"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/evaluation"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// startEvaluationData builds the dataset service (s3Source reads the
// server's artifact store: s3://BUCKET/KEY as uploaded with PUT
// /_agentcore/artifacts/BUCKET/KEY) and the batch evaluation service over
// the trace store (nil when observability is off). Batches a previous run
// left unfinished are marked FAILED here.
func (s *Server) startEvaluationData(ctx context.Context, tags *tagging.Service, artifacts artifact.Store) (*evaluation.Datasets, *evaluation.Batches, error) {
	lg := s.cfg.Logger.With("service", "evaluation")
	read := func(bucket, key string) ([]byte, error) {
		rc, _, err := artifacts.Open(ctx, bucket, key)
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(io.LimitReader(rc, 64<<20))
	}
	ds := evaluation.NewDatasets(evaluation.DatasetOptions{KV: s.kv, Logger: lg, Artifacts: read, MaxExamples: s.cfg.EvalDatasetMaxExamples})
	tags.AddChecker(ds.Exists)
	if s.obs == nil {
		return ds, nil, nil
	}
	b := evaluation.NewBatches(evaluation.BatchOptions{KV: s.kv, Logger: lg, Sessions: s.obs,
		Judge: s.evaluation, Concurrency: s.cfg.EvalBatchConcurrency, Node: s.node, Leader: s.leases.Leader()})
	if err := b.Open(ctx); err != nil {
		return nil, nil, err
	}
	s.closers.push("batch evaluations", b.Close)
	tags.AddChecker(b.Exists)
	return ds, b, nil
}
