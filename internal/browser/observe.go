package browser

import (
	"context"
	"strconv"
	"time"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Observability of sessions: a span per session (start to end, an event
// per InvokeBrowser action), action metrics (Observer), and the pages'
// console errors and warnings, uncaught exceptions and failed requests
// kept with the session's logs (Options.Logs, through a Watcher).

// PageEvent is something a session's page reported that is kept with the
// session's logs.
type PageEvent struct {
	// Source is "console" (console.error/warn/assert), "exception" (an
	// uncaught exception) or a browser log entry's source ("network" for
	// failed requests and error statuses, "security", "javascript", ...).
	Source string
	Level  string // "error" or "warning"
	Text   string
	URL    string // the resource or script, when known
	Line   int    // 1-based, when known
}

// Watcher is implemented by a CDP that can follow a browser's pages:
// Watch reports the PageEvents of every page (tabs opened later too)
// until ctx ends or the browser's connection does. The service runs one
// per session when Options.Logs is set.
type Watcher interface {
	Watch(ctx context.Context, conn runtime.AgentConn, browserWS string, report func(PageEvent)) error
}

// Observer hears about every finished InvokeBrowser action (metrics).
// status is SUCCESS, FAILED, or "error" when the action gave no result.
type Observer interface {
	BrowserAction(action, status string, took time.Duration)
}

// live is a running session's observability state.
type live struct {
	span   trace.Span
	events int // page events reported
}

// observed records one action: metrics and an event on the session's span.
func (s *Service) observed(key, action, status string, took time.Duration) {
	if s.o.Observer != nil {
		s.o.Observer.BrowserAction(action, status, took)
	}
	s.mu.Lock()
	lv := s.live[key]
	s.mu.Unlock()
	if lv != nil {
		lv.span.AddEvent("browser.action", trace.WithAttributes(attribute.String("agentcore.browser.action", action),
			attribute.String("agentcore.browser.action.status", status), attribute.Float64("agentcore.browser.action.ms", float64(took.Microseconds())/1000)))
	}
}

// observe opens a started session's span (child of the request's) and
// starts following its pages' events into its logs.
func (s *Service) observe(ctx context.Context, acct string, b *Browser, sess *Session) {
	key := sessionKey(acct, b.ID, sess.ID)
	if s.o.Tracer != nil {
		_, span := s.o.Tracer.Start(ctx, "BrowserSession", trace.WithTimestamp(sess.CreatedAt), trace.WithAttributes(
			attribute.String("session.id", sess.ID), attribute.String("agentcore.browser.id", b.ID),
			attribute.String("agentcore.browser.arn", b.ARN), attribute.String("agentcore.browser.network_mode", sess.NetworkMode),
			attribute.String("agentcore.browser.viewport", strconv.Itoa(sess.ViewPort.Width)+"x"+strconv.Itoa(sess.ViewPort.Height)),
			attribute.Bool("agentcore.browser.recorded", sess.Recording != nil), attribute.Int("agentcore.browser.timeout_s", sess.TimeoutSeconds)))
		s.mu.Lock()
		s.live[key] = &live{span: span}
		s.mu.Unlock()
	}
	w, ok := s.o.CDP.(Watcher)
	if !ok || s.o.Logs == nil {
		return
	}
	att, err := s.Attach(ctx, b.ID, sess.ID)
	if err != nil {
		s.log.Warn("browser session's page events not followed", "session", sess.ID, "err", err)
		return
	}
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		att.Release()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		defer att.Release()
		logs := newPageLog(s.o.Logs, acct, b.ARN, sess.ID, func() { s.countEvent(key) })
		err := w.Watch(s.ctx, att.Conn, att.BrowserWS, logs.report)
		logs.close()
		if s.ctx.Err() != nil {
			return
		}
		s.log.Debug("browser session's page events ended", "session", sess.ID, "err", err)
		s.noticeExit(acct, sess)
	}()
}

// countEvent counts a page event on the session's span.
func (s *Service) countEvent(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lv := s.live[key]; lv != nil {
		lv.events++
	}
}

// noticeExit marks a session TERMINATED soon after its browser's
// connection ended on its own (Chromium exited or was killed), rather than
// at the next request or sweep.
func (s *Service) noticeExit(acct string, sess *Session) {
	for i := 0; i < 50 && s.ctx.Err() == nil; i++ {
		if !s.running(acct, sess) {
			s.endSpan(sessionKey(acct, sess.BrowserID, sess.ID), "the browser exited")
			s.terminated(s.ctx, acct, sess.BrowserID, sess.ID)
			return
		}
		select {
		case <-s.ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// endSpan ends a session's span (once) with why it ended.
func (s *Service) endSpan(key, reason string) {
	s.mu.Lock()
	lv := s.live[key]
	delete(s.live, key)
	s.mu.Unlock()
	if lv == nil {
		return
	}
	lv.span.SetAttributes(attribute.String("agentcore.browser.end_reason", reason), attribute.Int("agentcore.browser.page_events", lv.events))
	if reason == "the browser exited" {
		lv.span.SetStatus(codes.Error, reason)
	}
	lv.span.End()
}

// endSpans ends the spans of the sessions still running (server shutdown).
func (s *Service) endSpans(reason string) {
	s.mu.Lock()
	keys := make([]string, 0, len(s.live))
	for k := range s.live {
		keys = append(keys, k)
	}
	s.mu.Unlock()
	for _, k := range keys {
		s.endSpan(k, reason)
	}
}
