package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"time"
)

var hogged [][]byte

// probe runs the isolation probes: "fetch" GETs a URL (egress), "writefile"
// "readfile" and "listdir" touch the session's filesystem.
func probe(ctx context.Context, req request) map[string]any {
	out := map[string]any{}
	var err error
	switch req.Action {
	case "fetch":
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		var hreq *http.Request
		if hreq, err = http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil); err == nil {
			var resp *http.Response
			if resp, err = http.DefaultClient.Do(hreq); err == nil {
				b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
				resp.Body.Close()
				out["status"], out["body"] = resp.StatusCode, string(b)
			}
		}
	case "writefile":
		err = os.WriteFile(req.Path, []byte(req.Data), 0o644)
	case "hog": // allocate and touch MB megabytes (memory-limit tests)
		for i := 0; i < req.MB; i++ {
			b := make([]byte, 1<<20)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			hogged = append(hogged, b)
		}
		out["held"] = len(hogged)
	case "readfile":
		var b []byte
		b, err = os.ReadFile(req.Path)
		out["data"] = string(b)
	case "listdir":
		var ents []os.DirEntry
		ents, err = os.ReadDir(req.Path)
		names := []string{}
		for _, e := range ents {
			names = append(names, e.Name())
		}
		out["names"] = names
	}
	if err != nil {
		out["error"] = err.Error()
	}
	return out
}
