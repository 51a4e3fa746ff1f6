package observability_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/observability"
	"github.com/agentcore-dev/agentcore/internal/observability/otlphttp"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

func TestForwardDelivers(t *testing.T) {
	var got atomic.Int64
	var sawSession atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		req := &coltracepb.ExportTraceServiceRequest{}
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" || proto.Unmarshal(b, req) != nil {
			w.WriteHeader(400)
			return
		}
		for _, kv := range req.ResourceSpans[0].Resource.Attributes {
			if kv.Key == "session.id" && kv.Value.GetStringValue() == "sess-f" {
				sawSession.Store(true)
			}
		}
		got.Add(1)
	}))
	defer srv.Close()
	s := newService(t, observability.Options{Export: otlphttp.New(srv.URL + "/v1/traces")})
	for i := range 5 {
		req := traceReq(nil, span(5, byte(i+1), 0, "x", time.Now()))
		if _, err := s.IngestTraces(bg, req, observability.Tag{Account: "111", SessionID: "sess-f"}); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "forwarding", func() bool { return s.Stats().Forwarded == 5 })
	if got.Load() != 5 || !sawSession.Load() || s.Stats().Dropped != 0 {
		t.Fatalf("received %d, session tag %v, stats %+v", got.Load(), sawSession.Load(), s.Stats())
	}
}

func TestForwardToClosedPortDrops(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	s := newService(t, observability.Options{Export: otlphttp.New("http://" + addr)})
	for i := range 20 {
		s.IngestTraces(bg, traceReq(nil, span(6, byte(i+1), 0, "x", time.Now())), observability.Tag{Account: "111"})
	}
	eventually(t, "drops", func() bool { return s.Stats().Dropped == 20 })
	s.Flush(bg) //nolint:errcheck // spans are stored by the writer goroutine
	if st := s.Stats(); st.Forwarded != 0 || st.IngestedSpans != 20 {
		t.Fatalf("%+v", st)
	}
}

// An endpoint that accepts connections and never answers must neither
// block ingest nor let the queue grow past its bound.
func TestForwardToStalledEndpointNeverBlocks(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // hold open, never read or answer
		}
	}()
	defer ln.Close()
	s := newService(t, observability.Options{Export: otlphttp.New("http://" + ln.Addr().String()),
		QueueSize: 10, ExportTimeout: 300 * time.Millisecond})
	const n = 200
	start := time.Now()
	var slowest time.Duration
	for i := range n {
		t0 := time.Now()
		if _, err := s.IngestTraces(bg, traceReq(nil, span(7, byte(i%250+1), 0, "x", time.Now())), observability.Tag{Account: "111"}); err != nil {
			t.Fatal(err)
		}
		slowest = max(slowest, time.Since(t0))
	}
	took := time.Since(start)
	st := s.Stats()
	t.Logf("%d ingests in %v (slowest %v); stats %+v", n, took, slowest, st)
	if slowest > 250*time.Millisecond {
		t.Errorf("an ingest waited %v on the stalled endpoint", slowest)
	}
	if st.Queued > 10 || st.Dropped < n-12 {
		t.Errorf("queue not bounded: %+v", st)
	}
	eventually(t, "timeouts drop the rest", func() bool { st := s.Stats(); return st.Dropped+st.Forwarded == n })
}
