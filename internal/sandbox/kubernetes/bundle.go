package kubernetes

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// bundleServer serves each code session's bundle directory, as a tar.gz,
// to its pod's init container at /bundles/<token>: the token is random,
// known only to that pod's spec, and valid while the pod exists.
type bundleServer struct {
	srv *http.Server
	ln  net.Listener
	log *slog.Logger

	mu   sync.Mutex
	dirs map[string]string // token -> directory
}

func startBundles(addr string, log *slog.Logger) (*bundleServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	b := &bundleServer{ln: ln, log: log, dirs: map[string]string{}}
	b.srv = &http.Server{Handler: http.HandlerFunc(b.serve), ReadHeaderTimeout: 10 * time.Second}
	go b.srv.Serve(ln) //nolint:errcheck // ends with close
	return b, nil
}

// Addr is the listener's address.
func (b *bundleServer) Addr() net.Addr { return b.ln.Addr() }

func (b *bundleServer) add(dir string) string {
	tok := rand.Text()
	b.mu.Lock()
	b.dirs[tok] = dir
	b.mu.Unlock()
	return tok
}

func (b *bundleServer) remove(tok string) {
	b.mu.Lock()
	delete(b.dirs, tok)
	b.mu.Unlock()
}

func (b *bundleServer) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return b.srv.Shutdown(ctx)
}

func (b *bundleServer) serve(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.URL.Path, "/bundles/")
	b.mu.Lock()
	dir := b.dirs[tok]
	b.mu.Unlock()
	if r.Method != http.MethodGet || !ok || dir == "" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/gzip")
	if err := writeTarGz(w, dir); err != nil {
		b.log.Warn("kubernetes: serve bundle", "dir", dir, "err", err)
	}
}

// writeTarGz writes dir's regular files, directories and symbolic links
// (those pointing inside dir) as a gzipped tar.
func writeTarGz(w io.Writer, dir string) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(path); err != nil || filepath.IsAbs(link) ||
				strings.HasPrefix(filepath.Clean(filepath.Join(filepath.Dir(rel), link)), "..") {
				return nil // only links that stay inside the bundle
			}
		} else if !info.Mode().IsRegular() && !info.IsDir() {
			return nil
		}
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		h.Name, h.Uid, h.Gid, h.Uname, h.Gname = filepath.ToSlash(rel), 0, 0, "", ""
		if info.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	return errors.Join(err, tw.Close(), gz.Close())
}
