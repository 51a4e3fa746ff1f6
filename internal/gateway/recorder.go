package gateway

import (
	"context"
	"sync"
	"time"
)

// CallRecord is what the gateway remembers about one tool call.
type CallRecord struct {
	Time      time.Time `json:"time"`
	GatewayID string    `json:"gatewayId"`
	Tool      string    `json:"tool"`
	Principal string    `json:"principal"`
	// Decision is ALLOW, DENY or NONE (no policy engine); Mode the
	// gateway's policy mode (a DENY under LOG_ONLY let the call through).
	Decision string        `json:"decision"`
	Mode     string        `json:"mode,omitempty"`
	Policies []string      `json:"policies,omitempty"`
	Outcome  string        `json:"outcome"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"durationNs"`
}

// recorder is a ring of the latest calls.
type recorder struct {
	mu   sync.Mutex
	buf  []CallRecord
	next int
	full bool
}

func newRecorder(n int) *recorder { return &recorder{buf: make([]CallRecord, n)} }

func (r *recorder) add(c CallRecord) {
	r.mu.Lock()
	r.buf[r.next] = c
	r.next = (r.next + 1) % len(r.buf)
	if r.next == 0 {
		r.full = true
	}
	r.mu.Unlock()
}

// Calls returns the latest recorded calls of a gateway, oldest first.
func (s *Service) Calls(gatewayID string) []CallRecord {
	r := s.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []CallRecord
	n := r.next
	if r.full {
		n = len(r.buf)
	}
	for i := 0; i < n; i++ {
		c := r.buf[(r.next-n+i+len(r.buf))%len(r.buf)]
		if c.GatewayID == gatewayID {
			out = append(out, c)
		}
	}
	return out
}

// CallObserver receives the record of the tool call a request made, for the
// request's span. Safe for concurrent use; a nil observer ignores records.
type CallObserver struct {
	mu  sync.Mutex
	rec *CallRecord
}

// Set records r (nil is ignored).
func (o *CallObserver) Set(r *CallRecord) {
	if o == nil || r == nil {
		return
	}
	o.mu.Lock()
	o.rec = r
	o.mu.Unlock()
}

// Record is the call's record, or nil when there was none.
func (o *CallObserver) Record() *CallRecord {
	if o == nil {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.rec
}

type callObserverKey struct{}

// WithCallObserver returns ctx carrying o.
func WithCallObserver(ctx context.Context, o *CallObserver) context.Context {
	return context.WithValue(ctx, callObserverKey{}, o)
}

// CallObserverFrom returns the observer in ctx, or nil.
func CallObserverFrom(ctx context.Context) *CallObserver {
	o, _ := ctx.Value(callObserverKey{}).(*CallObserver)
	return o
}
