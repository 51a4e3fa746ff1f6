package evaluation

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/store"
)

// Batch evaluations: evaluate the sessions a data source selects from the
// platform's trace store with a list of evaluators, in the background with
// bounded concurrency. PENDING → IN_PROGRESS → COMPLETED /
// COMPLETED_WITH_ERRORS / FAILED; Stop: STOPPING → STOPPED. Progress and
// per-evaluator statistics live on the batch record; each session's
// results are their own store item (BatchResults).

// Batch statuses.
const (
	BatchPending             = "PENDING"
	BatchInProgress          = "IN_PROGRESS"
	BatchCompleted           = "COMPLETED"
	BatchCompletedWithErrors = "COMPLETED_WITH_ERRORS"
	BatchFailed              = "FAILED"
	BatchStopping            = "STOPPING"
	BatchStopped             = "STOPPED"
	BatchDeleting            = "DELETING"
)

// Batch is one batch evaluation's record.
type Batch struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	ARN          string            `json:"arn"`
	Description  string            `json:"description,omitempty"`
	Status       string            `json:"status"`
	DataSource   json.RawMessage   `json:"dataSource,omitempty"`   // the request's dataSourceConfig, verbatim
	OutputConfig json.RawMessage   `json:"outputConfig,omitempty"` // kept and returned; results are not exported
	Evaluators   []string          `json:"evaluators"`
	Insights     []string          `json:"insights,omitempty"`
	KmsKeyArn    string            `json:"kmsKeyArn,omitempty"`
	Selection    BatchSelection    `json:"selection"`
	Metadata     []SessionMetadata `json:"metadata,omitempty"`
	Progress     BatchProgress     `json:"progress"`
	ErrorDetails []string          `json:"errorDetails,omitempty"`
	// Owner is the replica running the batch and Heartbeat when it last
	// said so (batch_owner.go): another replica fails the batch only once
	// the heartbeat is stale.
	Owner     string    `json:"owner,omitempty"`
	Heartbeat time.Time `json:"heartbeat,omitzero"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// BatchSelection is the parsed data source: which sessions to evaluate.
type BatchSelection struct {
	RuntimeARNs []string            `json:"runtimeArns,omitempty"` // from runtime log group names; none = any
	SessionIDs  []string            `json:"sessionIds,omitempty"`  // explicit sessions; none = every session found
	TraceIDs    map[string][]string `json:"traceIds,omitempty"`    // session -> only these traces
	From        time.Time           `json:"from,omitzero"`
	To          time.Time           `json:"to,omitzero"`
}

// SessionMetadata is evaluationMetadata.sessionMetadata[i]: a session's
// ground truth, mapped to evaluation references.
type SessionMetadata struct {
	SessionID          string            `json:"sessionId"`
	TestScenarioID     string            `json:"testScenarioId,omitempty"`
	Assertions         []string          `json:"assertions,omitempty"`
	ExpectedTrajectory []string          `json:"expectedTrajectory,omitempty"`
	HasTrajectory      bool              `json:"hasTrajectory,omitempty"`
	Turns              []GroundTruthTurn `json:"turns,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"`
}

// GroundTruthTurn is one turn's expected response (turn i = the session's
// i-th trace).
type GroundTruthTurn struct {
	Prompt           string  `json:"prompt,omitempty"`
	ExpectedResponse *string `json:"expectedResponse,omitempty"`
}

// BatchProgress is evaluationResults.
type BatchProgress struct {
	Total      int                 `json:"total"`
	Completed  int                 `json:"completed"`
	Failed     int                 `json:"failed"`
	InProgress int                 `json:"inProgress"`
	Ignored    int                 `json:"ignored"`
	Evaluators []EvaluatorProgress `json:"evaluators,omitempty"`
}

// EvaluatorProgress is one evaluator's summary.
type EvaluatorProgress struct {
	EvaluatorID   string  `json:"evaluatorId"`
	DimensionName string  `json:"dimensionName,omitempty"`
	Evaluated     int     `json:"evaluated"` // results with a score
	Failed        int     `json:"failed"`    // results with an error
	ScoreSum      float64 `json:"scoreSum"`
}

// Average is the mean score (nil when nothing was scored).
func (e EvaluatorProgress) Average() *float64 {
	if e.Evaluated == 0 {
		return nil
	}
	v := e.ScoreSum / float64(e.Evaluated)
	return &v
}

// ErrCodeEvaluateFailed is the errorCode of a batch result standing for an
// evaluator's Evaluate request that failed as a whole on a session (bad
// input, unknown evaluator): the session is FAILED and the evaluator's
// summary counts one failure.
const ErrCodeEvaluateFailed = "EvaluationRequestFailed"

// BatchResultRow is one session's outcome.
type BatchResultRow struct {
	SessionID string        `json:"sessionId"`
	Status    string        `json:"status"` // COMPLETED, FAILED, IGNORED
	Error     string        `json:"error,omitempty"`
	Results   []BatchResult `json:"results,omitempty"`
}

// BatchResult is one evaluation result of a session.
type BatchResult struct {
	EvaluatorID   string   `json:"evaluatorId"`
	EvaluatorARN  string   `json:"evaluatorArn,omitempty"`
	EvaluatorName string   `json:"evaluatorName,omitempty"`
	DimensionName string   `json:"dimensionName,omitempty"`
	TraceID       string   `json:"traceId,omitempty"`
	SpanID        string   `json:"spanId,omitempty"`
	Value         *float64 `json:"value,omitempty"`
	Label         string   `json:"label,omitempty"`
	Explanation   string   `json:"explanation,omitempty"`
	InputTokens   int64    `json:"inputTokens,omitempty"`
	OutputTokens  int64    `json:"outputTokens,omitempty"`
	ErrorCode     string   `json:"errorCode,omitempty"`
	ErrorMessage  string   `json:"errorMessage,omitempty"`
}

// SessionSource is the trace store as batches read it
// (*observability.Service).
type SessionSource interface {
	Sessions(ctx context.Context, f observability.Filter) ([]observability.SessionSummary, error)
	SessionDocuments(ctx context.Context, account, sessionID string, from, to time.Time) ([]map[string]any, error)
}

// BatchOptions configures Batches.
type BatchOptions struct {
	KV       store.KV
	Logger   *slog.Logger
	Sessions SessionSource
	// Judge is the evaluation service (*Service): Evaluator reports an
	// unknown evaluator (errs.NotFound) at start and gives its level;
	// Evaluate scores session documents.
	Judge       Judge
	Concurrency int // sessions evaluated at once per batch; default 4
	MaxSessions int // sessions one batch may select; default 1000
	Now         func() time.Time
	// Node names this replica among those sharing the store ("" = a
	// single server: Open fails every unfinished batch). Leader gates the
	// sweep that fails batches of replicas that stopped (nil: always).
	Node   string
	Leader func(ctx context.Context, job string, ttl time.Duration) bool
	// Heartbeat is how often a running batch records that its replica is
	// alive (default 10s); one silent for 3 heartbeats is failed.
	Heartbeat time.Duration
}

// Batches is the batch evaluation service (data plane).
type Batches struct {
	o      BatchOptions
	kv     store.KV
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	runs   map[string]context.CancelFunc // acct/id -> cancel of a running batch
}

// NewBatches returns the batch service; Open recovers interrupted runs.
func NewBatches(o BatchOptions) *Batches {
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = 1000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Batches{o: o, kv: o.KV, log: o.Logger, ctx: ctx, cancel: cancel, runs: map[string]context.CancelFunc{}}
}

// Close stops running batches (they are marked FAILED at the next start)
// and waits for their goroutines.
func (b *Batches) Close(ctx context.Context) error {
	b.cancel()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
