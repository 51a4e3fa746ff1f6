package console

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerServesShellAndAssets(t *testing.T) {
	h := New()
	for _, p := range []string{"/console/", "/console/runtimes/abc", "/console/sessions/r/s", "/console/signin", "/console/no/such/page"} {
		w := get(t, h, "GET", p, nil)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `src="/console/assets/app.js"`) {
			t.Fatalf("%s: %d %q", p, w.Code, w.Body.String())
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Fatalf("%s: content type %q", p, ct)
		}
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Fatalf("%s: CSP %q", p, csp)
		}
	}
	for name, ct := range map[string]string{"app.js": "text/javascript; charset=utf-8", "lib.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"} {
		w := get(t, h, "GET", AssetsPrefix+name, nil)
		if w.Code != 200 || w.Header().Get("Content-Type") != ct || w.Body.Len() == 0 {
			t.Fatalf("%s: %d %q", name, w.Code, w.Header().Get("Content-Type"))
		}
		etag := w.Header().Get("ETag")
		if w := get(t, h, "GET", AssetsPrefix+name, map[string]string{"If-None-Match": etag}); w.Code != http.StatusNotModified {
			t.Fatalf("%s revalidation: %d", name, w.Code)
		}
	}
	for _, p := range []string{AssetsPrefix + "nope.js", AssetsPrefix + "index.html", AssetsPrefix + "../console.go", "/other"} {
		if w := get(t, h, "GET", p, nil); w.Code != http.StatusNotFound {
			t.Fatalf("%s: %d, want 404", p, w.Code)
		}
	}
	if w := get(t, h, "GET", "/console", nil); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/console/" {
		t.Fatalf("/console: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := get(t, h, "POST", "/console/", nil); w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", w.Code)
	}
}

// TestPagesListed: every page app.js routes to is embedded (console-auth's
// pages are checked once they land).
func TestPagesListed(t *testing.T) {
	app, _ := New().Asset("app.js")
	for _, page := range []string{"overview", "runtime", "session", "tools", "evaluations"} {
		if !strings.Contains(string(app), "'"+page+"'") {
			t.Errorf("app.js does not route to %s", page)
		}
		if _, ok := New().Asset("pages/" + page + ".js"); !ok {
			t.Errorf("pages/%s.js is not embedded", page)
		}
	}
}
