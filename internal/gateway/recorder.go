package gateway

import (
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
