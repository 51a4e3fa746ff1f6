package browser

import (
	"encoding/json"
	"io"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Page events are kept with the session's logs as JSON lines (the log
// record's severity is their level): console messages and exceptions on
// the "console" stream, browser log entries of failed requests on
// "network", others on "console". A page cannot flood the logs: a session
// keeps at most maxPageEvents events, at most pageEventRate a second
// (bursts of pageEventBurst), texts cut at maxEventText bytes; what is
// dropped is counted in one last line.
const (
	maxPageEvents  = 10000
	pageEventRate  = 50
	pageEventBurst = 200
	maxEventText   = 4096
)

// Log streams of page events.
const (
	StreamConsole = "console"
	StreamNetwork = "network"
)

// pageLog writes one session's page events to its logs.
type pageLog struct {
	open               func(acct, arn, sessionID, stream string) io.WriteCloser
	acct, arn, session string
	counted            func()

	mu      sync.Mutex
	w       map[string]io.WriteCloser
	n       int
	dropped int
	tokens  float64
	last    time.Time
}

func newPageLog(open func(acct, arn, sessionID, stream string) io.WriteCloser, acct, arn, session string, counted func()) *pageLog {
	return &pageLog{open: open, acct: acct, arn: arn, session: session, counted: counted,
		w: map[string]io.WriteCloser{}, tokens: pageEventBurst, last: time.Now()}
}

// pageLine is one page event's log line.
type pageLine struct {
	Level  string `json:"level"`
	Source string `json:"source"`
	Text   string `json:"text"`
	URL    string `json:"url,omitempty"`
	Line   int    `json:"line,omitempty"`
}

// report keeps ev (Watcher callback; safe for concurrent use).
func (l *pageLog) report(ev PageEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.tokens = min(pageEventBurst, l.tokens+now.Sub(l.last).Seconds()*pageEventRate)
	l.last = now
	if l.n >= maxPageEvents || l.tokens < 1 {
		l.dropped++
		return
	}
	l.tokens--
	l.n++
	stream := StreamConsole
	if ev.Source == "network" {
		stream = StreamNetwork
	}
	l.write(stream, pageLine{Level: ev.Level, Source: ev.Source, Text: cut(ev.Text, maxEventText),
		URL: cut(ev.URL, maxEventText), Line: ev.Line})
	if l.counted != nil {
		l.counted()
	}
}

// write appends one line to stream (l.mu held).
func (l *pageLog) write(stream string, line pageLine) {
	w := l.w[stream]
	if w == nil {
		w = l.open(l.acct, l.arn, l.session, stream)
		l.w[stream] = w
	}
	b, _ := json.Marshal(line)
	w.Write(append(b, '\n')) //nolint:errcheck // the log writer never fails
}

// close notes what was dropped and closes the streams.
func (l *pageLog) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dropped > 0 {
		l.write(StreamConsole, pageLine{Level: "warning", Source: "agentcore",
			Text: strconv.Itoa(l.dropped) + " page events were not kept (more than " + strconv.Itoa(pageEventRate) +
				" a second or " + strconv.Itoa(maxPageEvents) + " in the session)"})
	}
	for _, w := range l.w {
		w.Close()
	}
	l.w = map[string]io.WriteCloser{}
}

// cut shortens s to at most n bytes on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
