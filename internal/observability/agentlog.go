package observability

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
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
		var f logFields
		var typeErr *json.UnmarshalTypeError // e.g. a numeric level: the other members still count
		if err := json.Unmarshal(line, &f); err == nil || errors.As(err, &typeErr) {
			r.TraceID = hexField(32, f.TraceID, f.TraceID2, f.TraceID3)
			if r.TraceID != "" {
				r.SpanID = hexField(16, f.SpanID, f.SpanID2, f.SpanID3)
			}
			r.Severity = firstNonEmpty(f.Level, f.LevelName, f.Severity)
		}
	}
	return r
}

// logFields are the members of a JSON log line the platform reads (the
// names the common logging setups use); everything else stays in Body.
type logFields struct {
	TraceID   string `json:"trace_id"`
	TraceID2  string `json:"traceId"`
	TraceID3  string `json:"otelTraceID"`
	SpanID    string `json:"span_id"`
	SpanID2   string `json:"spanId"`
	SpanID3   string `json:"otelSpanID"`
	Level     string `json:"level"`
	LevelName string `json:"levelname"`
	Severity  string `json:"severity"`
}

// hexField returns the first of vs that is a non-zero hex id of n digits.
func hexField(n int, vs ...string) string {
	for _, v := range vs {
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

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// Agent log lines are stored in batches: the first line waits at most
// logLinger for others to join it (up to logBatch lines), so a busy agent
// costs one store transaction per batch, not one per line.
const (
	logLinger = 100 * time.Millisecond
	logBatch  = 2000
)

// agentLogLoop stores queued agent log lines in batches.
func (s *Service) agentLogLoop() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case recs := <-s.agentLogs:
			timer.Reset(logLinger)
		fill:
			for len(recs) < logBatch {
				select {
				case more := <-s.agentLogs:
					recs = append(recs, more...)
				case <-timer.C:
					break fill
				case <-s.stop:
					break fill
				}
			}
			timer.Stop()
			s.storeAgentLogs(recs)
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
	for len(recs) < logBatch {
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
