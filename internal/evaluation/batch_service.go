package evaluation

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Tables of the batch service.
const (
	tblBatch       = "evaluation_batch"        // acct/id -> Batch
	tblBatchResult = "evaluation_batch_result" // acct/id/sessionId -> BatchResultRow
)

var (
	batchNameRE    = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,47}$`)
	batchIDRE      = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}$`)
	runtimeGroupRE = regexp.MustCompile(`^/aws/bedrock-agentcore/runtimes/([a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10})(?:-[a-zA-Z0-9_]+)?$`)
	sessionIDRE    = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.:-]{0,255}$`)
	traceIDRE      = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// BatchSource is the request's dataSourceConfig, decoded.
type BatchSource struct {
	Raw                  json.RawMessage
	CloudWatchLogs       bool
	ServiceNames         []string
	LogGroupNames        []string
	LogGroupNamePrefixes []string
	SessionIDs           []string
	SessionTraceIDs      map[string][]string
	From, To             *time.Time
	OnlineConfigARN      string
}

// StartBatchInput is StartBatchEvaluation's request.
type StartBatchInput struct {
	Name, Description, KmsKeyArn string
	Source                       BatchSource
	Evaluators, Insights         []string
	OutputConfig                 json.RawMessage
	Metadata                     []SessionMetadata
	Tags                         map[string]string
}

// BatchARN is a batch evaluation's ARN.
func BatchARN(region, acct, id string) string {
	return fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:batch-evaluation/%s", region, acct, id)
}

// Start validates the request, stores the batch PENDING and runs it in the
// background.
func (b *Batches) Start(ctx context.Context, in StartBatchInput) (*Batch, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	if !batchNameRE.MatchString(in.Name) {
		return nil, errs.Field("batchEvaluationName", "batchEvaluationName %q must match [a-zA-Z][a-zA-Z0-9_]{0,47}", in.Name)
	}
	if len(in.Description) > 4096 {
		return nil, errs.Field("description", "description is at most 4096 characters")
	}
	if in.KmsKeyArn != "" && !kmsRE.MatchString(in.KmsKeyArn) {
		return nil, errs.Field("kmsKeyArn", "kmsKeyArn %q is not a KMS key ARN", in.KmsKeyArn)
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	if len(in.Evaluators) == 0 || len(in.Evaluators) > 20 {
		return nil, errs.Field("evaluators", "evaluators must list 1 to 20 evaluators")
	}
	for i, e := range in.Evaluators {
		if e == "" {
			return nil, errs.Field(fmt.Sprintf("evaluators[%d].evaluatorId", i), "evaluatorId is required")
		}
		if slices.Contains(in.Evaluators[:i], e) {
			return nil, errs.Field(fmt.Sprintf("evaluators[%d].evaluatorId", i), "evaluator %s is listed more than once", e)
		}
		if _, err := b.o.Judge.Evaluator(ctx, e); err != nil {
			return nil, err
		}
	}
	sel, err := b.selection(t, in.Source)
	if err != nil {
		return nil, err
	}
	for i, m := range in.Metadata {
		if !sessionIDRE.MatchString(m.SessionID) {
			return nil, errs.Field(fmt.Sprintf("evaluationMetadata.sessionMetadata[%d].sessionId", i), "sessionId %q is not a session id", m.SessionID)
		}
	}
	now := b.o.Now().UTC()
	id := in.Name + "-" + randomString(10, alnum)
	bt := &Batch{ID: id, Name: in.Name, ARN: BatchARN(t.Region, t.Account, id), Description: in.Description,
		Status: BatchPending, DataSource: in.Source.Raw, OutputConfig: in.OutputConfig, Evaluators: in.Evaluators,
		Insights: in.Insights, KmsKeyArn: in.KmsKeyArn, Selection: sel, Metadata: in.Metadata, CreatedAt: now, UpdatedAt: now,
		Owner: b.o.Node, Heartbeat: now}
	for _, e := range in.Evaluators {
		bt.Progress.Evaluators = append(bt.Progress.Evaluators, EvaluatorProgress{EvaluatorID: e})
	}
	if err := b.kv.Txn(ctx, append([]store.Op{store.CreateJSON(tblBatch, datasetKey(t.Account, id), bt)}, tagging.PutOps(bt.ARN, in.Tags)...)...); err != nil {
		return nil, err
	}
	b.log.Info("batch evaluation started", "id", id, "evaluators", len(in.Evaluators))
	b.launch(t, id)
	return bt, nil
}

// selection checks the data source and turns it into a session selection.
func (b *Batches) selection(t tenant.Tenant, src BatchSource) (BatchSelection, error) {
	var sel BatchSelection
	if src.OnlineConfigARN != "" {
		return sel, errs.Field("dataSourceConfig.onlineEvaluationConfigSource", "onlineEvaluationConfigSource is not supported by this server; use cloudWatchLogs with the runtime's log group or sessionIds")
	}
	if !src.CloudWatchLogs {
		return sel, errs.Field("dataSourceConfig", "dataSourceConfig must have cloudWatchLogs")
	}
	if len(src.ServiceNames) == 0 {
		return sel, errs.Field("dataSourceConfig.cloudWatchLogs.serviceNames", "serviceNames is required")
	}
	if len(src.LogGroupNamePrefixes) > 0 {
		return sel, errs.Field("dataSourceConfig.cloudWatchLogs.logGroupNamePrefixes", "logGroupNamePrefixes is not supported by this server; use logGroupNames")
	}
	for i, g := range src.LogGroupNames {
		m := runtimeGroupRE.FindStringSubmatch(g)
		if m == nil {
			return sel, errs.Field(fmt.Sprintf("dataSourceConfig.cloudWatchLogs.logGroupNames[%d]", i),
				"log group %q is not a runtime log group (/aws/bedrock-agentcore/runtimes/<agentRuntimeId>-<endpoint>)", g)
		}
		sel.RuntimeARNs = append(sel.RuntimeARNs, fmt.Sprintf("arn:aws:bedrock-agentcore:%s:%s:runtime/%s", t.Region, t.Account, m[1]))
	}
	if len(src.SessionIDs)+len(src.SessionTraceIDs) > b.o.MaxSessions {
		return sel, errs.Field("dataSourceConfig.cloudWatchLogs.filterConfig", "at most %d sessions may be selected", b.o.MaxSessions)
	}
	seen := map[string]bool{}
	add := func(field, s string) error {
		if !sessionIDRE.MatchString(s) {
			return errs.Field(field, "sessionId %q is not a session id", s)
		}
		if !seen[s] {
			seen[s] = true
			sel.SessionIDs = append(sel.SessionIDs, s)
		}
		return nil
	}
	for i, s := range src.SessionIDs {
		if err := add(fmt.Sprintf("dataSourceConfig.cloudWatchLogs.filterConfig.sessionIds[%d]", i), s); err != nil {
			return sel, err
		}
	}
	for s, traces := range src.SessionTraceIDs {
		if err := add("dataSourceConfig.cloudWatchLogs.filterConfig.sessionTraceIds", s); err != nil {
			return sel, err
		}
		for _, tr := range traces {
			if !traceIDRE.MatchString(strings.ToLower(tr)) {
				return sel, errs.Field("dataSourceConfig.cloudWatchLogs.filterConfig.sessionTraceIds", "traceId %q is not 32 hex digits", tr)
			}
			if sel.TraceIDs == nil {
				sel.TraceIDs = map[string][]string{}
			}
			sel.TraceIDs[s] = append(sel.TraceIDs[s], strings.ToLower(tr))
		}
	}
	if src.From != nil {
		sel.From = src.From.UTC()
	}
	if src.To != nil {
		sel.To = src.To.UTC()
	}
	if !sel.From.IsZero() && !sel.To.IsZero() && !sel.To.After(sel.From) {
		return sel, errs.Field("dataSourceConfig.cloudWatchLogs.filterConfig.timeRange", "endTime must be after startTime")
	}
	return sel, nil
}

func (b *Batches) batchRev(ctx context.Context, acct, id string) (*Batch, int64, error) {
	if !batchIDRE.MatchString(id) {
		return nil, 0, errs.Field("batchEvaluationId", "%q is not a batch evaluation id", id)
	}
	bt, rev, err := store.GetJSON[Batch](ctx, b.kv, tblBatch, datasetKey(acct, id))
	if errs.KindOf(err) == errs.NotFound {
		return nil, 0, errs.E(errs.NotFound, "batch evaluation %s not found", id)
	}
	return bt, rev, err
}

// Get returns a batch evaluation.
func (b *Batches) Get(ctx context.Context, id string) (*Batch, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	bt, _, err := b.batchRev(ctx, t.Account, id)
	return bt, err
}

// List pages through the account's batch evaluations.
func (b *Batches) List(ctx context.Context, maxResults int, token string) ([]*Batch, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	return store.ListJSON[Batch](ctx, b.kv, tblBatch, t.Account+"/", token, pageSize(maxResults))
}

// update is a revision-checked change of a batch record.
func (b *Batches) update(ctx context.Context, acct, id string, apply func(*Batch) error) (*Batch, error) {
	var bt *Batch
	err := store.Retry(ctx, func() error {
		var rev int64
		var err error
		if bt, rev, err = b.batchRev(ctx, acct, id); err != nil {
			return err
		}
		if err := apply(bt); err != nil {
			return err
		}
		bt.UpdatedAt = b.o.Now().UTC()
		return b.kv.Txn(ctx, store.UpdateJSON(tblBatch, datasetKey(acct, id), rev, bt))
	})
	return bt, err
}

// Stop asks a PENDING or IN_PROGRESS batch to stop: STOPPING until the
// sessions being evaluated finish, then STOPPED. Stopping a finished batch
// is a ConflictException.
func (b *Batches) Stop(ctx context.Context, id string) (*Batch, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	bt, err := b.update(ctx, t.Account, id, func(bt *Batch) error {
		switch bt.Status {
		case BatchPending, BatchInProgress:
			bt.Status = BatchStopping
			return nil
		case BatchStopping:
			return nil
		}
		return errs.E(errs.Conflict, "batch evaluation %s is %s; only a PENDING or IN_PROGRESS one can be stopped", id, bt.Status)
	})
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	cancel, running := b.runs[datasetKey(t.Account, id)]
	b.mu.Unlock()
	if running {
		cancel()
	}
	return bt, nil
}

// Delete removes a finished (or stopped) batch and its results; one that
// is PENDING, IN_PROGRESS or STOPPING is a ConflictException (stop it and
// wait for STOPPED first).
func (b *Batches) Delete(ctx context.Context, id string) (*Batch, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	var bt *Batch
	err = store.Retry(ctx, func() error {
		var rev int64
		var err error
		if bt, rev, err = b.batchRev(ctx, t.Account, id); err != nil {
			return err
		}
		switch bt.Status {
		case BatchPending, BatchInProgress, BatchStopping:
			return errs.E(errs.Conflict, "batch evaluation %s is %s; stop it (StopBatchEvaluation) and wait for STOPPED before deleting", id, bt.Status)
		}
		return b.kv.Txn(ctx, store.DeleteAt(tblBatch, datasetKey(t.Account, id), rev), tagging.DeleteOp(bt.ARN))
	})
	if err != nil {
		return nil, err
	}
	for {
		items, err := b.kv.List(ctx, tblBatchResult, t.Account+"/"+id+"/", "", 500)
		if err != nil || len(items) == 0 {
			break
		}
		ops := make([]store.Op, len(items))
		for i, it := range items {
			ops[i] = store.DeleteAny(tblBatchResult, it.Key)
		}
		if err := b.kv.Txn(ctx, ops...); err != nil {
			b.log.Warn("deleting batch results", "id", id, "err", err)
			break
		}
	}
	b.log.Info("batch evaluation deleted", "id", id)
	bt.Status = BatchDeleting
	return bt, nil
}

// Results pages through a batch's per-session results.
func (b *Batches) Results(ctx context.Context, id string, maxResults int, token string) ([]*BatchResultRow, string, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, "", err
	}
	if _, _, err := b.batchRev(ctx, t.Account, id); err != nil {
		return nil, "", err
	}
	return store.ListJSON[BatchResultRow](ctx, b.kv, tblBatchResult, t.Account+"/"+id+"/", token, pageSize(maxResults))
}

// Exists reports whether arn names a live batch of the caller (tagging).
func (b *Batches) Exists(ctx context.Context, arn string) bool {
	i := strings.Index(arn, ":batch-evaluation/")
	t, err := tenant.From(ctx)
	if i < 0 || err != nil {
		return false
	}
	bt, _, err := b.batchRev(ctx, t.Account, arn[i+len(":batch-evaluation/"):])
	return err == nil && bt.ARN == arn
}
