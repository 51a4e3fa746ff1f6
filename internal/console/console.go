// Package console serves the web console's front end: plain ES modules,
// a stylesheet and one HTML shell, embedded in the binary (no build step,
// no CDN). The console reads its data from the same AWS REST routes and
// /_agentcore/ extensions as every other client; this package serves no
// data. docs/console.md describes the pages.
package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// Prefix is the path the console is served under.
const Prefix = "/console/"

// AssetsPrefix is the path of the static files (no data: served without a
// session).
const AssetsPrefix = Prefix + "assets/"

// file is one embedded asset with its validator.
type file struct {
	body  []byte
	ctype string
	etag  string
}

// Handler serves /console/assets/* from the embedded files and the shell
// (index.html) for every other /console/* path: app.js routes by
// location.pathname. Only GET and HEAD are served.
type Handler struct {
	files map[string]file // by path under assets/
	shell file
}

// New loads the embedded assets.
func New() *Handler {
	h := &Handler{files: map[string]file{}}
	err := fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		if err != nil {
			return err
		}
		h.files[strings.TrimPrefix(p, "assets/")] = newFile(p, b)
		return nil
	})
	if err != nil { // the embedded tree is fixed at build time
		panic("console: reading embedded assets: " + err.Error())
	}
	h.shell = h.files["index.html"]
	return h
}

func newFile(name string, b []byte) file {
	sum := sha256.Sum256(b)
	ct := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) { // not left to the host's mime tables
	case ".js":
		ct = "text/javascript; charset=utf-8"
	case ".css":
		ct = "text/css; charset=utf-8"
	case ".html":
		ct = "text/html; charset=utf-8"
	case ".svg":
		ct = "image/svg+xml"
	}
	return file{body: b, ctype: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// Asset returns an embedded file's content (tests and benchmarks).
func (h *Handler) Asset(name string) ([]byte, bool) {
	f, ok := h.files[name]
	return f.body, ok
}

// contentSecurityPolicy: scripts and styles from the console's own origin
// only (no inline code), the browser tool's live view may be framed from
// the same origin, the console itself is never framed by another site.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if p == strings.TrimSuffix(Prefix, "/") {
		http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
		return
	}
	if !strings.HasPrefix(p, Prefix) {
		http.NotFound(w, r)
		return
	}
	f := h.shell
	if name, ok := strings.CutPrefix(p, AssetsPrefix); ok {
		if f, ok = h.files[name]; !ok || name == "index.html" {
			http.NotFound(w, r)
			return
		}
	}
	hd := w.Header()
	hd.Set("Content-Type", f.ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	// Revalidated on every load: the ETag changes with the binary.
	hd.Set("Cache-Control", "no-cache")
	hd.Set("ETag", f.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}
