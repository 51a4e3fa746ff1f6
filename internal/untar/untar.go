// Package untar extracts tar streams into a directory without letting
// them reach outside it: image layers (internal/image, with whiteouts) and
// plain archives such as session storage snapshots (Extract).
package untar

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

const (
	whiteoutPrefix = ".wh."
	whiteoutOpaque = ".wh..wh..opq"
	maxEntries     = 1 << 20
)

// Unpacker applies layer tars, in order, to a directory. Every file
// operation goes through an os.Root, so neither entry names, hard links nor
// symlinks planted by earlier entries can reach outside the directory.
type Unpacker struct {
	root     *os.Root
	asRoot   bool
	total    int64
	maxBytes int64
	entries  int
	// plain: a plain tar (Extract), not an image layer: whiteout names
	// are ordinary files. maxEntries bounds its entries.
	plain      bool
	maxEntries int
}

// New opens an unpacker on dir (an existing directory); at most maxBytes
// of file content may be extracted. Close releases it.
func New(dir string, maxBytes int64) (*Unpacker, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Unpacker{root: r, asRoot: os.Geteuid() == 0, maxBytes: maxBytes}, nil
}

// Apply extracts one layer. Whiteouts (.wh.NAME) delete NAME from lower
// layers; an opaque whiteout (.wh..wh..opq) empties its directory of
// everything lower layers put there. Device nodes and FIFOs are skipped.
func (u *Unpacker) Apply(ctx context.Context, r io.Reader) error {
	tr := tar.NewReader(r)
	mine := map[string]bool{} // paths (and their parents) this layer created
	var opaque []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading layer: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if u.entries++; u.entries > u.limitEntries() {
			return &LimitError{What: fmt.Sprintf("more than %d entries", u.limitEntries())}
		}
		p, err := CleanPath(hdr.Name)
		if err != nil {
			return err
		}
		if p == "" {
			continue // the root directory itself
		}
		dir, base := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		switch {
		case u.plain:
		case base == whiteoutOpaque:
			opaque = append(opaque, dir)
			continue
		case strings.HasPrefix(base, whiteoutPrefix):
			victim := path.Join(dir, strings.TrimPrefix(base, whiteoutPrefix))
			if base == whiteoutPrefix || mine[victim] {
				continue
			}
			if err := u.root.RemoveAll(victim); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("whiteout %s: %w", hdr.Name, err)
			}
			continue
		}
		for q := p; q != "." && q != ""; q = path.Dir(q) {
			mine[q] = true
		}
		if err := u.entry(tr, hdr, p, dir); err != nil {
			return fmt.Errorf("%s: %w", hdr.Name, err)
		}
	}
	for _, d := range opaque {
		if err := u.clearExcept(d, mine); err != nil {
			return fmt.Errorf("opaque whiteout in %s: %w", d, err)
		}
	}
	return nil
}

func (u *Unpacker) entry(tr *tar.Reader, hdr *tar.Header, p, dir string) error {
	switch hdr.Typeflag {
	case tar.TypeDir, tar.TypeReg, tar.TypeSymlink, tar.TypeLink:
	default:
		return nil // char/block devices, FIFOs, PAX/GNU metadata: never created
	}
	if dir != "" && u.root.MkdirAll(dir, 0o755) != nil {
		// A lower layer may have a file where this layer has a directory.
		for i := range strings.Split(dir, "/") {
			q := strings.Join(strings.Split(dir, "/")[:i+1], "/")
			if fi, err := u.root.Lstat(q); err == nil && !fi.IsDir() && fi.Mode()&fs.ModeSymlink == 0 {
				if err := u.root.Remove(q); err != nil {
					return err
				}
			}
		}
		if err := u.root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	mode := fs.FileMode(hdr.Mode) & fs.ModePerm // setuid/setgid are dropped
	if hdr.Mode&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	fi, err := u.root.Lstat(p)
	exists := err == nil
	if exists && !(fi.IsDir() && hdr.Typeflag == tar.TypeDir) {
		if err := u.root.RemoveAll(p); err != nil {
			return err
		}
		exists = false
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		if !u.asRoot {
			mode |= 0o700 // keep the tree writable (and removable) for its owner
		}
		if !exists {
			if err := u.root.Mkdir(p, 0o700); err != nil {
				return err
			}
		}
		if err := u.root.Chmod(p, mode); err != nil {
			return err
		}
	case tar.TypeReg:
		if u.total += hdr.Size; u.total > u.maxBytes {
			return &LimitError{What: fmt.Sprintf("the archive unpacks to more than %d bytes", u.maxBytes)}
		}
		f, err := u.root.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, tr)
		if err == nil {
			err = f.Chmod(mode)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		_ = u.root.Chtimes(p, hdr.ModTime, hdr.ModTime)
	case tar.TypeSymlink:
		if err := u.root.Symlink(hdr.Linkname, p); err != nil {
			return err
		}
	case tar.TypeLink:
		target, err := CleanPath(hdr.Linkname)
		if err != nil || target == "" {
			return fmt.Errorf("hard link target %q escapes the archive", hdr.Linkname)
		}
		if err := u.root.Link(target, p); err != nil {
			return err
		}
	}
	if u.asRoot {
		if err := u.root.Lchown(p, hdr.Uid, hdr.Gid); err != nil && !errors.Is(err, syscall.EINVAL) {
			return err
		}
	}
	return nil
}

// clearExcept removes everything under dir that keep does not name.
func (u *Unpacker) clearExcept(dir string, keep map[string]bool) error {
	open := dir
	if open == "" {
		open = "."
	}
	f, err := u.root.Open(open)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return err
	}
	for _, n := range names {
		p := path.Join(dir, n)
		if !keep[p] {
			if err := u.root.RemoveAll(p); err != nil {
				return err
			}
			continue
		}
		if fi, err := u.root.Lstat(p); err == nil && fi.IsDir() {
			if err := u.clearExcept(p, keep); err != nil {
				return err
			}
		}
	}
	return nil
}

// CleanPath turns a tar entry name into a clean relative path ("" for the
// root) and refuses names that climb above the root.
func CleanPath(name string) (string, error) {
	if strings.IndexByte(name, 0) >= 0 {
		return "", fmt.Errorf("entry name %q contains a NUL byte", name)
	}
	depth := 0
	for _, c := range strings.Split(name, "/") {
		switch c {
		case "", ".":
		case "..":
			if depth--; depth < 0 {
				return "", fmt.Errorf("entry %q escapes the archive root", name)
			}
		default:
			depth++
		}
	}
	return strings.TrimPrefix(path.Clean("/"+name), "/"), nil
}

// RemoveTree deletes a directory tree even where entries are read-only.
func RemoveTree(dir string) {
	if os.RemoveAll(dir) == nil {
		return
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	os.RemoveAll(dir)
}

// Root is the directory being extracted into, as an os.Root.
func (u *Unpacker) Root() *os.Root { return u.root }

// Close releases the directory.
func (u *Unpacker) Close() error { return u.root.Close() }

// LimitError is an archive over its size or entry bounds.
type LimitError struct{ What string }

func (e *LimitError) Error() string { return e.What }

func (u *Unpacker) limitEntries() int {
	if u.maxEntries > 0 {
		return u.maxEntries
	}
	return maxEntries
}

// Extract unpacks a plain tar stream into dir (an existing directory) with
// the protections of image layers: every file operation goes through an
// os.Root, so entry names with "..", absolute names, hard links to outside
// and symbolic links planted by earlier entries cannot reach outside dir
// (a symlink is created as given but never followed while extracting);
// device nodes and FIFOs are skipped; setuid/setgid bits are dropped;
// owners are restored only when running as root. Whiteout names (.wh.*)
// are ordinary files. More than maxBytes of file content or maxEntries
// entries is a *LimitError.
func Extract(ctx context.Context, r io.Reader, dir string, maxBytes int64, maxEntries int) error {
	u, err := New(dir, maxBytes)
	if err != nil {
		return err
	}
	defer u.Close()
	u.plain, u.maxEntries = true, maxEntries
	return u.Apply(ctx, r)
}
