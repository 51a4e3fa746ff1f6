package streams

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// replayFile is what the replay page may fetch of a recording.
var replayFile = regexp.MustCompile(`^(recording\.json|frames/[0-9]{6}\.jpg)$`)

// replayPage serves the replay page of a recorded session (GET
// …/live-view/replay, SigV4: presigned or header, like the live view). It
// plays the stored frames at their recorded times, with the navigations as
// chapters, while the session runs and after it has ended (as long as the
// service still knows the session).
func (h *Handler) replayPage(ctx context.Context, w http.ResponseWriter, browserID, sessionID string) error {
	t, err := tenant.From(ctx)
	if err != nil {
		return err
	}
	if _, err := h.recording(ctx, browserID, sessionID); err != nil {
		return err
	}
	return servePage(w, "replay.html", map[string]any{"Token": h.mint(t, purposeReplay, browserID, sessionID, replayTokenTTL),
		"Session": sessionID, "Browser": browserID})
}

// replayData serves one file of a recording to the replay page (GET
// …/live-view/replay/data?token=&file=recording.json or frames/NNNNNN.jpg).
func (h *Handler) replayData(ctx context.Context, w http.ResponseWriter, r *http.Request, browserID, sessionID string) error {
	q := r.URL.Query()
	t, err := h.verify(q.Get("token"), purposeReplay, browserID, sessionID)
	if err != nil {
		return err
	}
	ctx = tenant.With(ctx, t)
	file := q.Get("file")
	if !replayFile.MatchString(file) {
		return errs.Field("file", "file must be recording.json or frames/NNNNNN.jpg")
	}
	rec, err := h.recording(ctx, browserID, sessionID)
	if err != nil {
		return err
	}
	body, size, err := h.artifacts.Open(ctx, rec.Bucket, rec.Prefix+file)
	if err != nil {
		return err
	}
	defer body.Close()
	hd := w.Header()
	if file == manifestName {
		hd.Set("Content-Type", "application/json")
		hd.Set("Cache-Control", "no-store") // grows while the session runs
	} else {
		hd.Set("Content-Type", "image/jpeg")
		hd.Set("Cache-Control", "private, max-age=3600")
	}
	hd.Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	io.Copy(w, body) //nolint:errcheck // the answer has begun; a broken copy shows as a short body
	return nil
}

// recording is where a session of the caller's account is recorded.
func (h *Handler) recording(ctx context.Context, browserID, sessionID string) (*browser.Recording, error) {
	sess, err := h.svc.GetSession(ctx, browserID, sessionID)
	if err != nil {
		return nil, err
	}
	if sess.Recording == nil || h.artifacts == nil {
		return nil, errs.E(errs.NotFound, "session %s was not recorded: its browser has no recording configuration", sessionID)
	}
	return sess.Recording, nil
}
