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

// Online evaluation: configs (control plane, online_configs.go) that name a
// runtime's log group, a sampling/filter/idle rule and evaluators; a runner
// (online_runner.go) that evaluates each finished session once and writes
// the results back into Observability (online_results.go).

// Online config statuses and execution statuses.
const (
	OnlineActive   = "ACTIVE"
	OnlineDeleting = "DELETING"
	ExecEnabled    = "ENABLED"
	ExecDisabled   = "DISABLED"
)

// DefaultSessionTimeout is how long a session must be idle before it is
// evaluated when the rule's sessionConfig does not say.
const DefaultSessionTimeout = 15 * time.Minute

// OnlineConfig is one stored online evaluation config.
type OnlineConfig struct {
	ID              string            `json:"id"`
	ARN             string            `json:"arn"`
	Name            string            `json:"name"`
	Account         string            `json:"account"`
	Region          string            `json:"region"`
	Description     string            `json:"description,omitempty"`
	RoleArn         string            `json:"roleArn"`
	Rule            Rule              `json:"rule"`
	DataSource      DataSource        `json:"dataSource"`
	Targets         []RuntimeTarget   `json:"targets"`
	Evaluators      []string          `json:"evaluators"`
	Output          OutputConfig      `json:"output"`
	Clustering      json.RawMessage   `json:"clustering,omitempty"`
	Insights        json.RawMessage   `json:"insights,omitempty"`
	ExecutionStatus string            `json:"executionStatus"`
	Status          string            `json:"status"`
	FailureReason   string            `json:"failureReason,omitempty"`
	CreatedAt       time.Time         `json:"createdAt"`
	UpdatedAt       time.Time         `json:"updatedAt"`
	Tags            map[string]string `json:"-"`
}

// Rule is when a session is evaluated.
type Rule struct {
	SamplingPercentage    float64  `json:"samplingPercentage"`
	Filters               []Filter `json:"filters,omitempty"`
	SessionTimeoutMinutes int      `json:"sessionTimeoutMinutes,omitempty"` // 0 = not given (DefaultSessionTimeout)
}

// Filter is one condition on the session's span attributes.
type Filter struct {
	Key      string      `json:"key"`
	Operator string      `json:"operator"`
	Value    FilterValue `json:"value"`
}

// FilterValue is a union: exactly one member is set.
type FilterValue struct {
	String *string  `json:"stringValue,omitempty"`
	Double *float64 `json:"doubleValue,omitempty"`
	Bool   *bool    `json:"booleanValue,omitempty"`
}

// DataSource is dataSourceConfig.cloudWatchLogs.
type DataSource struct {
	LogGroupNames []string `json:"logGroupNames"`
	ServiceNames  []string `json:"serviceNames"`
}

// RuntimeTarget is a runtime (and endpoint) a log group names.
type RuntimeTarget struct {
	LogGroup   string `json:"logGroup"`
	RuntimeID  string `json:"runtimeId"`
	Endpoint   string `json:"endpoint,omitempty"`
	RuntimeARN string `json:"runtimeArn"`
}

// OutputConfig is outputConfig.cloudWatchConfig.
type OutputConfig struct {
	LogGroupName      string `json:"logGroupName"`
	MetricsNamespace  string `json:"metricsNamespace,omitempty"`
	ResultDestination string `json:"resultDestination,omitempty"`
}

// Judge is what the runner needs of the evaluation service (*Service).
type Judge interface {
	Evaluator(ctx context.Context, id string) (*Evaluator, error)
	Evaluate(ctx context.Context, in EvaluateInput) ([]Result, error)
}

// Runtimes resolves a runtime id and endpoint name of the caller's account
// (tenant on ctx) to the runtime's ARN; errs.NotFound when unknown.
type Runtimes interface {
	RuntimeEndpointARN(ctx context.Context, runtimeID, endpoint string) (string, error)
}

// SessionStore is the part of observability.Service the runner uses.
type SessionStore interface {
	Sessions(ctx context.Context, f observability.Filter) ([]observability.SessionSummary, error)
	SessionDocuments(ctx context.Context, account, sessionID string, from, to time.Time) ([]map[string]any, error)
	StoreSpans(ctx context.Context, spans []observability.Span) error
}

// OnlineObserver counts online evaluation results (telemetry.Metrics).
type OnlineObserver interface {
	OnlineEvaluation(evaluatorID, outcome string)
}

// OnlineOptions configure the online evaluation service.
type OnlineOptions struct {
	KV       store.KV
	Judge    Judge
	Runtimes Runtimes
	Sessions SessionStore // nil = the runner does nothing
	Observer OnlineObserver
	// Poll is how often the runner looks for finished sessions (default 60s).
	Poll time.Duration
	// MaxIdle, when set, caps the idle time a session needs
	// (min(rule's sessionTimeoutMinutes, MaxIdle); for tests).
	MaxIdle time.Duration
	// Concurrency bounds sessions evaluated at once (default 8).
	Concurrency int
	Logger      *slog.Logger
	Now         func() time.Time
}

// Online serves online evaluation configs and runs them.
type Online struct {
	o   OnlineOptions
	kv  store.KV
	log *slog.Logger

	mu      sync.Mutex
	running bool
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// NewOnline builds the service; Start starts the runner.
func NewOnline(o OnlineOptions) *Online {
	if o.Poll <= 0 {
		o.Poll = time.Minute
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Online{o: o, kv: o.KV, log: o.Logger.With("component", "evaluation.online")}
}

// Tables in the key-value store.
const (
	tblOnline     = "eval_online_config"  // acct/id -> OnlineConfig
	tblOnlineName = "eval_online_name"    // acct/name -> id
	tblOnlineDone = "eval_online_done"    // acct/configId/sessionId -> doneMark
	tblOnlineRes  = "eval_online_results" // acct/sessionId/configId/n -> OnlineResult
)
