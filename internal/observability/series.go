package observability

import (
	"context"
	"math"
	"slices"
	"strconv"
	"time"
)

// InvocationSpanName is the name of the platform's server span of one
// InvokeAgentRuntime (internal/httpapi): the invocations the series count.
const InvocationSpanName = "InvokeAgentRuntime"

// spanKindServer is OTLP's SPAN_KIND_SERVER (a caller's client span of
// the same name is not an invocation of this server).
const spanKindServer = 2

// Attributes the series read.
const (
	attrInputTokens  = "gen_ai.usage.input_tokens"
	attrOutputTokens = "gen_ai.usage.output_tokens"
	attrEvalName     = "gen_ai.evaluation.name"
	attrEvalScore    = "gen_ai.evaluation.score.value"
)

// MaxSeriesSpans bounds the spans one series scans; past it the series is
// marked Truncated (the later buckets are then incomplete).
const MaxSeriesSpans = 200_000

// SeriesBucket is one time bucket of a Series.
type SeriesBucket struct {
	Start        time.Time `json:"start"`
	Invocations  int64     `json:"invocations"`
	Errors       int64     `json:"errors"`
	P50Ms        float64   `json:"p50Ms"`
	P90Ms        float64   `json:"p90Ms"`
	P99Ms        float64   `json:"p99Ms"`
	InputTokens  int64     `json:"inputTokens"`
	OutputTokens int64     `json:"outputTokens"`
	// Scores is the mean evaluation score per evaluator name.
	Scores map[string]float64 `json:"scores,omitempty"`

	durations []float64
	scoreSum  map[string][2]float64 // sum, count
}

// Series is invocations, errors, latency percentiles, token usage and
// evaluation scores over time (the console's overview and evaluation
// charts), computed from stored spans.
type Series struct {
	From         time.Time      `json:"from"`
	To           time.Time      `json:"to"`
	StepSeconds  float64        `json:"stepSeconds"`
	Buckets      []SeriesBucket `json:"buckets"`
	SpansScanned int            `json:"spansScanned"`
	Truncated    bool           `json:"truncated,omitempty"`
}

// Series buckets the spans of f (Account, RuntimeARN, SessionID, From, To)
// into n equal buckets.
func (s *Service) Series(ctx context.Context, f Filter, n int) (Series, error) {
	out := Series{From: f.From, To: f.To}
	step := f.To.Sub(f.From) / time.Duration(n)
	if step <= 0 {
		step = time.Second
	}
	out.StepSeconds = step.Seconds()
	out.Buckets = make([]SeriesBucket, n)
	for i := range out.Buckets {
		out.Buckets[i].Start = f.From.Add(time.Duration(i) * step).UTC()
	}
	f.Limit, f.Cursor = MaxLimit, ""
	for {
		spans, next, err := s.Spans(ctx, f)
		if err != nil {
			return out, err
		}
		for i := range spans {
			sp := &spans[i]
			k := int(sp.Start.Sub(f.From) / step)
			if k < 0 || k >= n {
				continue
			}
			addToBucket(&out.Buckets[k], sp)
		}
		out.SpansScanned += len(spans)
		if next == "" {
			break
		}
		if out.SpansScanned >= MaxSeriesSpans {
			out.Truncated = true
			break
		}
		f.Cursor = next
	}
	for i := range out.Buckets {
		finishBucket(&out.Buckets[i])
	}
	return out, nil
}

func addToBucket(b *SeriesBucket, sp *Span) {
	if sp.Name == InvocationSpanName && sp.Kind == spanKindServer {
		b.Invocations++
		if sp.Error {
			b.Errors++
		}
		b.durations = append(b.durations, float64(sp.End.Sub(sp.Start).Microseconds())/1000)
	}
	if v, ok := number(sp.Attributes[attrInputTokens]); ok {
		b.InputTokens += int64(v)
	}
	if v, ok := number(sp.Attributes[attrOutputTokens]); ok {
		b.OutputTokens += int64(v)
	}
	if name, ok := sp.Attributes[attrEvalName].(string); ok {
		if v, ok := number(sp.Attributes[attrEvalScore]); ok {
			if b.scoreSum == nil {
				b.scoreSum = map[string][2]float64{}
			}
			a := b.scoreSum[name]
			b.scoreSum[name] = [2]float64{a[0] + v, a[1] + 1}
		}
	}
}

func finishBucket(b *SeriesBucket) {
	if len(b.durations) > 0 {
		slices.Sort(b.durations)
		b.P50Ms, b.P90Ms, b.P99Ms = percentile(b.durations, 50), percentile(b.durations, 90), percentile(b.durations, 99)
	}
	if len(b.scoreSum) > 0 {
		b.Scores = make(map[string]float64, len(b.scoreSum))
		for k, a := range b.scoreSum {
			b.Scores[k] = a[0] / a[1]
		}
	}
	b.durations, b.scoreSum = nil, nil
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// number reads an attribute value stored as a JSON or Go number (or a
// numeric string).
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case interface{ Float64() (float64, error) }:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}
