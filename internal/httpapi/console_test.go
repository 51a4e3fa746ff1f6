package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/console"
)

// TestConsoleMount: the console's pages are served unsigned when it is on,
// and /console/* answers 404 when it is off.
func TestConsoleMount(t *testing.T) {
	on := New(Config{Console: console.New()})
	for _, p := range []string{"/console/", "/console/runtimes/x", "/console/assets/app.js"} {
		w := httptest.NewRecorder()
		on.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("on: GET %s: %d %s", p, w.Code, w.Body)
		}
	}
	off := New(Config{})
	for _, p := range []string{"/console", "/console/", "/console/assets/app.js"} {
		w := httptest.NewRecorder()
		off.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
		if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "<html") {
			t.Fatalf("off: GET %s: %d %s", p, w.Code, w.Body)
		}
	}
}
