package observability

import (
	"context"
	"time"
)

// OTLP input from agents (their exporters' requests to the per-session and
// public OTLP endpoints) is stored by one writer goroutine, in batches, off
// the exporter's request path: IngestTraces and IngestLogs only queue.
// The queue is bounded (writeQueue batches); a batch that does not fit is
// dropped and counted (Stats.DroppedSpans, Stats.DroppedLogs), so an agent
// is never slowed by the store. A batch waits at most writeLinger for
// others to join it. The query methods flush the queue first, so a query
// sees everything ingested before it; Close stores what is queued.
const (
	writeQueue  = 4096
	writeLinger = 20 * time.Millisecond
	writeBatch  = 2000 // spans or log records per store transaction
)

// writeItem is one queued batch, or (done set) a flush marker: done is
// closed once every batch queued before it is stored.
type writeItem struct {
	spans []Span
	logs  []LogRecord
	done  chan struct{}
}

// queueSpans hands spans to the writer; false when the queue is full.
func (s *Service) queueSpans(spans []Span) bool {
	return s.queue(writeItem{spans: spans}, int64(len(spans)), &s.droppedSpans)
}

// queueLogs hands log records to the writer; false when the queue is full.
func (s *Service) queueLogs(recs []LogRecord) bool {
	return s.queue(writeItem{logs: recs}, int64(len(recs)), &s.droppedLogs)
}

func (s *Service) queue(it writeItem, n int64, dropped interface{ Add(int64) int64 }) bool {
	s.pending.Add(1)
	select {
	case s.writes <- it:
		return true
	default:
		s.pending.Add(-1)
		dropped.Add(n)
		return false
	}
}

// Flush waits until everything queued so far is stored (or ctx ends). It
// returns at once when nothing is queued.
func (s *Service) Flush(ctx context.Context) error {
	if s.pending.Load() == 0 {
		return nil
	}
	done := make(chan struct{})
	select {
	case s.writes <- writeItem{done: done}:
	case <-s.stop:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeLoop stores queued batches, merging what arrives within writeLinger.
func (s *Service) writeLoop() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var b writeBuf
	for {
		select {
		case it := <-s.writes:
			b.add(it)
			timer.Reset(writeLinger)
		fill:
			for b.size() < writeBatch && len(b.flushes) == 0 {
				select {
				case it := <-s.writes:
					b.add(it)
				case <-timer.C:
					break fill
				case <-s.stop:
					break fill
				}
			}
			timer.Stop()
			s.storeQueued(&b)
		case <-s.stop:
			for {
				select {
				case it := <-s.writes:
					b.add(it)
					if b.size() >= writeBatch {
						s.storeQueued(&b)
					}
				default:
					s.storeQueued(&b)
					return
				}
			}
		}
	}
}

// writeBuf collects queued batches for one store transaction per signal.
type writeBuf struct {
	spans   []Span
	logs    []LogRecord
	items   int64
	flushes []chan struct{}
}

func (b *writeBuf) add(it writeItem) {
	if it.done != nil {
		b.flushes = append(b.flushes, it.done)
		return
	}
	b.spans = append(b.spans, it.spans...)
	b.logs = append(b.logs, it.logs...)
	b.items++
}

func (b *writeBuf) size() int { return len(b.spans) + len(b.logs) }

// storeQueued stores b's spans and logs, releases its flush waiters and
// resets it.
func (s *Service) storeQueued(b *writeBuf) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if len(b.spans) > 0 {
		if err := s.storeSpans(ctx, b.spans); err != nil {
			s.droppedSpans.Add(int64(len(b.spans)))
			s.log.Warn("storing OTLP spans failed", "error", err, "spans", len(b.spans))
		}
	}
	if len(b.logs) > 0 {
		if err := s.opt.Store.InsertLogs(ctx, b.logs); err != nil {
			s.droppedLogs.Add(int64(len(b.logs)))
			s.log.Warn("storing OTLP logs failed", "error", err, "records", len(b.logs))
		} else {
			s.ingestedLogs.Add(int64(len(b.logs)))
		}
	}
	s.pending.Add(-b.items)
	for _, c := range b.flushes {
		close(c)
	}
	*b = writeBuf{spans: b.spans[:0], logs: b.logs[:0]}
}
