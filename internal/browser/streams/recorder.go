package streams

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/browser/cdp"
)

// Recording layout under the session's prefix (browser.Recording.Prefix,
// "<configured prefix>/<sessionId>/"):
//
//	recording.json      the manifest (frames with their times, navigations)
//	frames/000001.jpg   the screencast frames, JPEG
const (
	manifestName = "recording.json"
	framePattern = "frames/%06d.jpg"
)

// Recording limits: frames are stored at most every minFrameGap (Chromium
// waits for the acknowledgement, so the latest picture comes next), the
// manifest is rewritten at most every manifestEvery, and a session keeps
// at most maxFrames frames (its navigations are still recorded after).
const (
	minFrameGap     = 250 * time.Millisecond
	manifestEvery   = 5 * time.Second
	maxFrames       = 100_000
	recordQuality   = 60
	recordFlushWait = 10 * time.Second
	recordStartWait = 5 * time.Second
)

// Manifest describes a recording; the replay page plays it.
type Manifest struct {
	Version   int          `json:"version"`
	BrowserID string       `json:"browserId"`
	SessionID string       `json:"sessionId"`
	StartedAt time.Time    `json:"startedAt"`
	EndedAt   *time.Time   `json:"endedAt,omitempty"`
	Truncated bool         `json:"truncated,omitempty"`
	Frames    []FrameEntry `json:"frames"`
	Events    []Event      `json:"events"`
}

// FrameEntry is one stored frame: its number (frames/%06d.jpg), time in
// milliseconds since the start, and the page's viewport in CSS pixels.
type FrameEntry struct {
	N int     `json:"n"`
	T int64   `json:"t"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Event is a page event: a main-frame navigation.
type Event struct {
	T    int64  `json:"t"`
	Type string `json:"type"`
	URL  string `json:"url,omitempty"`
}

// Record records the session of att (att.Recording must be set) until its
// browser goes away or the Handler closes, then stores the final manifest
// and releases att. It returns once the recording follows the page (so a
// navigation right after StartBrowserSession is recorded), or after
// recordStartWait. The service calls it when a recorded session is READY,
// with an Attachment leased for the recording.
func (h *Handler) Record(att *browser.Attachment) {
	h.mu.Lock()
	if h.closed || h.artifacts == nil || att.Recording == nil {
		h.mu.Unlock()
		att.Release()
		return
	}
	h.recorders.Add(1)
	h.mu.Unlock()
	rec := &recorder{h: h, att: att, m: Manifest{Version: 1, BrowserID: att.BrowserID, SessionID: att.SessionID,
		StartedAt: time.Now().UTC(), Frames: []FrameEntry{}, Events: []Event{}}}
	started := make(chan struct{})
	var once sync.Once
	rec.started = func() { once.Do(func() { close(started) }) }
	go func() {
		defer h.recorders.Done()
		defer att.Release()
		defer rec.started()
		rec.run(h.ctx)
	}()
	select {
	case <-started:
	case <-time.After(recordStartWait):
		h.log.Warn("recording has not started yet", "session", att.SessionID)
	}
}

type recorder struct {
	h       *Handler
	att     *browser.Attachment
	started func() // the screencast follows the page

	mu        sync.Mutex
	m         Manifest
	lastFrame time.Time
	lastSave  time.Time
}

func (r *recorder) run(ctx context.Context) {
	log := r.h.log.With("browser", r.att.BrowserID, "session", r.att.SessionID)
	conn, err := cdp.DialPath(ctx, r.att.Conn, r.att.BrowserWS)
	if err != nil {
		log.Warn("recording could not connect to the browser", "err", err)
		return
	}
	defer conn.Close()
	c := &caster{conn: conn, quality: recordQuality, onFrame: func(f frame) error { return r.frame(ctx, f) }, onNav: r.nav,
		onCast: r.started}
	err = c.run(ctx)
	now := time.Now().UTC()
	r.mu.Lock()
	r.m.EndedAt = &now
	r.mu.Unlock()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordFlushWait)
	defer cancel()
	if serr := r.save(sctx); serr != nil {
		log.Warn("recording manifest not stored", "err", serr)
	}
	log.Info("recording ended", "frames", len(r.m.Frames), "events", len(r.m.Events), "reason", err)
}

func (r *recorder) since(t time.Time) int64 { return t.Sub(r.m.StartedAt).Milliseconds() }

// frame stores f (throttled to minFrameGap) and saves the manifest now
// and then.
func (r *recorder) frame(ctx context.Context, f frame) error {
	if wait := minFrameGap - time.Since(r.lastFrame); wait > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	r.lastFrame = time.Now()
	r.mu.Lock()
	n := len(r.m.Frames) + 1
	if n > maxFrames {
		r.m.Truncated = true
		r.mu.Unlock()
		return nil
	}
	r.mu.Unlock()
	rec := r.att.Recording
	if _, err := r.h.artifacts.Put(ctx, rec.Bucket, rec.Prefix+fmt.Sprintf(framePattern, n), bytes.NewReader(f.JPEG)); err != nil {
		return err // the store refuses: the recording ends (and says why)
	}
	r.mu.Lock()
	r.m.Frames = append(r.m.Frames, FrameEntry{N: n, T: r.since(f.At.UTC()), W: f.Width, H: f.Height})
	due := time.Since(r.lastSave) >= manifestEvery
	r.mu.Unlock()
	if due {
		return r.save(ctx)
	}
	return nil
}

func (r *recorder) nav(url string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m.Events = append(r.m.Events, Event{T: r.since(time.Now().UTC()), Type: "navigation", URL: url})
}

// save writes the manifest as it is now.
func (r *recorder) save(ctx context.Context) error {
	r.mu.Lock()
	b, err := json.Marshal(&r.m)
	r.lastSave = time.Now()
	r.mu.Unlock()
	if err != nil {
		return err
	}
	rec := r.att.Recording
	_, err = r.h.artifacts.Put(ctx, rec.Bucket, rec.Prefix+manifestName, bytes.NewReader(b))
	return err
}
