package browser

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
)

type memLog struct {
	mu    sync.Mutex
	lines map[string]*bytes.Buffer
}

type memStream struct {
	l      *memLog
	stream string
}

func (w memStream) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	return w.l.lines[w.stream].Write(p)
}

func (memStream) Close() error { return nil }

// TestPageLogLimits: a page flooding its console keeps at most a burst of
// events (the rest counted in one last line), texts are cut, and network
// events go to their own stream.
func TestPageLogLimits(t *testing.T) {
	m := &memLog{lines: map[string]*bytes.Buffer{}}
	open := func(acct, arn, sid, stream string) io.WriteCloser {
		if acct != "123" || sid != "S1" {
			t.Fatalf("opened %s %s %s", acct, arn, sid)
		}
		m.lines[stream] = &bytes.Buffer{}
		return memStream{m, stream}
	}
	n := 0
	l := newPageLog(open, "123", "arn:b", "S1", func() { n++ })
	l.report(PageEvent{Source: "network", Level: "error", Text: "Failed to load resource", URL: "http://x/y"})
	l.report(PageEvent{Source: "console", Level: "error", Text: strings.Repeat("é", maxEventText)})
	for range 1000 {
		l.report(PageEvent{Source: "console", Level: "warning", Text: "flood"})
	}
	l.close()
	console := strings.Split(strings.TrimSpace(m.lines[StreamConsole].String()), "\n")
	if got := strings.TrimSpace(m.lines[StreamNetwork].String()); got != `{"level":"error","source":"network","text":"Failed to load resource","url":"http://x/y"}` {
		t.Fatalf("network stream: %s", got)
	}
	if n < pageEventBurst || n > pageEventBurst+5 || len(console) != n {
		t.Fatalf("%d events kept, %d console lines", n, len(console))
	}
	if len(console[0]) > maxEventText+100 || !strings.HasSuffix(console[0], `…"}`) {
		t.Fatalf("long text: %d bytes: …%s", len(console[0]), console[0][len(console[0])-20:])
	}
	if last := console[len(console)-1]; !strings.Contains(last, "page events were not kept") || !strings.Contains(last, `"level":"warning"`) {
		t.Fatalf("last line: %s", last)
	}
}
