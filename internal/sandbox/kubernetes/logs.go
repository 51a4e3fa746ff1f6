package kubernetes

import (
	"io"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// copyLogs follows the agent container's log (stdout and stderr, merged
// by the kubelet) into w from the moment the container runs until it
// ends or the instance stops: the session log, as the other drivers fill
// it. Before the container starts the kubelet has no log: it retries.
func (in *instance) copyLogs(w io.Writer) {
	defer close(in.logsDone)
	if w == nil {
		return
	}
	var delivered int64 // a retry's stream starts over: skip what was delivered
	for in.ctx.Err() == nil {
		rc, err := in.d.client.CoreV1().Pods(in.d.opts.Namespace).GetLogs(in.name, &corev1.PodLogOptions{Container: "agent", Follow: true}).Stream(in.ctx)
		if err == nil {
			io.Copy(&skipWriter{w: w, skip: delivered, delivered: &delivered}, rc) //nolint:errcheck // a broken stream is retried
			rc.Close()
			select {
			case <-in.done:
				return // the agent ended: its log is complete
			default:
			}
		}
		select {
		case <-in.ctx.Done():
			return
		case <-in.done:
			if err != nil {
				return
			}
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// skipWriter drops the first skip bytes (delivered by an earlier stream)
// and counts what it passes on.
type skipWriter struct {
	w         io.Writer
	skip      int64
	delivered *int64
}

func (s *skipWriter) Write(p []byte) (int, error) {
	n := len(p)
	if s.skip > 0 {
		k := min(s.skip, int64(len(p)))
		p, s.skip = p[k:], s.skip-k
	}
	if len(p) == 0 {
		return n, nil
	}
	*s.delivered += int64(len(p))
	_, err := s.w.Write(p)
	return n, err
}
