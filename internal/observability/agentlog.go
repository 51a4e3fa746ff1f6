package observability

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"
)

// maxLine bounds one stored agent log line; longer lines are split.
const maxLine = 16 << 10

// AgentLogWriter returns the writer for one stream ("stdout" or "stderr")
// of one session's agent. It splits its input into lines and stores each as
// a LogRecord of that session: every writer belongs to exactly one session,
// so sessions never mix. A JSON line with a W3C trace id in trace_id,
// traceId or otelTraceID (and span id in span_id, spanId or otelSpanID)
// is tagged with it. Writes never fail and never block on the store: lines
// go through a bounded queue and are dropped (counted) when it is full.
// Close flushes a trailing partial line.
func (s *Service) AgentLogWriter(acct, runtimeARN, sessionID, stream string) io.WriteCloser {
	return &agentLog{s: s, base: LogRecord{Account: acct, RuntimeARN: runtimeARN, SessionID: sessionID, Stream: stream}}
}

type agentLog struct {
	s      *Service
	base   LogRecord
	mu     sync.Mutex
	buf    []byte
	closed bool
}

func (w *agentLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	var recs []LogRecord
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			if len(w.buf) >= maxLine {
				recs = append(recs, w.record(w.buf[:maxLine]))
				w.buf = w.buf[maxLine:]
				continue
			}
			break
		}
		line := w.buf[:i]
		for len(line) > maxLine {
			recs = append(recs, w.record(line[:maxLine]))
			line = line[maxLine:]
		}
		recs = append(recs, w.record(line))
		w.buf = w.buf[i+1:]
	}
	w.buf = append([]byte(nil), w.buf...) // release the consumed prefix
	w.send(recs)
	return len(p), nil
}

func (w *agentLog) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed && len(w.buf) > 0 {
		w.send([]LogRecord{w.record(w.buf)})
	}
	w.closed, w.buf = true, nil
	return nil
}

func (w *agentLog) send(recs []LogRecord) {
	if len(recs) == 0 {
		return
	}
	select {
	case w.s.agentLogs <- recs:
	default:
		w.s.droppedLogs.Add(int64(len(recs)))
	}
}

// record builds the LogRecord of one line.
func (w *agentLog) record(line []byte) LogRecord {
	r := w.base
	r.Time = w.s.opt.Now().UTC()
	r.Body = strings.TrimRight(string(line), "\r")
	if len(line) > 1 && line[0] == '{' {
		var m map[string]any
		if json.Unmarshal(line, &m) == nil {
			r.TraceID = idField(m, 32, "trace_id", "traceId", "otelTraceID")
			if r.TraceID != "" {
				r.SpanID = idField(m, 16, "span_id", "spanId", "otelSpanID")
			}
			r.Severity = firstString(m["level"], m["levelname"], m["severity"])
		}
	}
	return r
}

// idField returns the first of keys holding a non-zero hex id of n digits.
func idField(m map[string]any, n int, keys ...string) string {
	for _, k := range keys {
		v, _ := m[k].(string)
		v = strings.ToLower(strings.TrimPrefix(v, "0x"))
		if len(v) != n {
			continue
		}
		if b, err := hex.DecodeString(v); err == nil {
			if _, ok := hexID(b, n/2); ok {
				return v
			}
		}
	}
	return ""
}

// agentLogLoop stores queued agent log lines in batches.
func (s *Service) agentLogLoop() {
	defer s.wg.Done()
	for {
		select {
		case recs := <-s.agentLogs:
			s.storeAgentLogs(s.drain(recs))
		case <-s.stop:
			for {
				select {
				case recs := <-s.agentLogs:
					s.storeAgentLogs(s.drain(recs))
				default:
					return
				}
			}
		}
	}
}

// drain appends whatever else is queued (up to a batch) to recs.
func (s *Service) drain(recs []LogRecord) []LogRecord {
	for len(recs) < 500 {
		select {
		case more := <-s.agentLogs:
			recs = append(recs, more...)
		default:
			return recs
		}
	}
	return recs
}

func (s *Service) storeAgentLogs(recs []LogRecord) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.opt.Store.InsertLogs(ctx, recs); err != nil {
		s.droppedLogs.Add(int64(len(recs)))
		s.log.Warn("storing agent logs failed", "error", err, "lines", len(recs))
		return
	}
	s.ingestedLogs.Add(int64(len(recs)))
}
