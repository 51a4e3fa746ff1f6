package evaluation

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Judge defaults.
const (
	DefaultJudgeConcurrency = 4
	DefaultJudgeTimeout     = 60 * time.Second
	DefaultJudgeRetries     = 2
)

// Options configure the service.
type Options struct {
	KV store.KV
	// Model is the server's configured provider (model.Unconfigured or nil
	// when none: every judge call then fails with a per-result error).
	Model  model.Provider
	Logger *slog.Logger
	Region string
	// JudgeConcurrency bounds judge calls in flight across all requests;
	// JudgeTimeout bounds one call; JudgeRetries is how many times a failed
	// call (not a bad answer) is retried, with backoff.
	JudgeConcurrency int
	JudgeTimeout     time.Duration
	JudgeRetries     int
	// BuiltinModel is the model name the built-in evaluators ask the
	// provider for ("" = the provider's default, --model).
	BuiltinModel string
	// ModelMap maps a custom evaluator's modelId to the model name sent to
	// the provider ("*" maps every id); unmapped ids are sent as they are.
	ModelMap map[string]string
	// RetryBackoff is the first retry's wait (doubling; default 500ms).
	RetryBackoff time.Duration
	Now          func() time.Time
}

// Service is AgentCore Evaluations (evaluators and Evaluate).
type Service struct {
	o    Options
	kv   store.KV
	log  *slog.Logger
	sem  chan struct{}
	prov model.Provider
}

// New builds the service.
func New(o Options) *Service {
	if o.JudgeConcurrency <= 0 {
		o.JudgeConcurrency = DefaultJudgeConcurrency
	}
	if o.JudgeTimeout <= 0 {
		o.JudgeTimeout = DefaultJudgeTimeout
	}
	if o.JudgeRetries < 0 {
		o.JudgeRetries = 0
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 500 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	prov := o.Model
	if prov == nil {
		prov = model.Unconfigured{}
	}
	return &Service{o: o, kv: o.KV, log: o.Logger.With("component", "evaluation"),
		sem: make(chan struct{}, o.JudgeConcurrency), prov: prov}
}

// Exists reports whether an ARN names one of the caller's custom
// evaluators (tagging).
func (s *Service) Exists(ctx context.Context, arn string) bool {
	i := strings.Index(arn, ":evaluator/")
	if i < 0 || strings.Contains(arn, ":::evaluator/") {
		return false
	}
	t, err := tenant.From(ctx)
	if err != nil {
		return false
	}
	e, _, err := s.customRev(ctx, t.Account, arn[i+len(":evaluator/"):])
	return err == nil && e.ARN == arn
}
