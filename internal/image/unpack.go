package image

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

// unpacker applies layer tars, in order, to a directory. Every file
// operation goes through an os.Root, so neither entry names, hard links nor
// symlinks planted by earlier entries can reach outside the directory.
type unpacker struct {
	root     *os.Root
	asRoot   bool
	total    int64
	maxBytes int64
	entries  int
}

func newUnpacker(dir string, maxBytes int64) (*unpacker, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &unpacker{root: r, asRoot: os.Geteuid() == 0, maxBytes: maxBytes}, nil
}

// apply extracts one layer. Whiteouts (.wh.NAME) delete NAME from lower
// layers; an opaque whiteout (.wh..wh..opq) empties its directory of
// everything lower layers put there. Device nodes and FIFOs are skipped.
func (u *unpacker) apply(ctx context.Context, r io.Reader) error {
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
		if u.entries++; u.entries > maxEntries {
			return fmt.Errorf("more than %d entries", maxEntries)
		}
		p, err := cleanPath(hdr.Name)
		if err != nil {
			return err
		}
		if p == "" {
			continue // the root directory itself
		}
		dir, base := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		switch {
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

func (u *unpacker) entry(tr *tar.Reader, hdr *tar.Header, p, dir string) error {
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
			return fmt.Errorf("the image unpacks to more than %d bytes", u.maxBytes)
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
		target, err := cleanPath(hdr.Linkname)
		if err != nil || target == "" {
			return fmt.Errorf("hard link target %q escapes the image", hdr.Linkname)
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
func (u *unpacker) clearExcept(dir string, keep map[string]bool) error {
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

// cleanPath turns a tar entry name into a clean relative path ("" for the
// root) and refuses names that climb above the root.
func cleanPath(name string) (string, error) {
	if strings.IndexByte(name, 0) >= 0 {
		return "", fmt.Errorf("entry name %q contains a NUL byte", name)
	}
	depth := 0
	for _, c := range strings.Split(name, "/") {
		switch c {
		case "", ".":
		case "..":
			if depth--; depth < 0 {
				return "", fmt.Errorf("entry %q escapes the image root", name)
			}
		default:
			depth++
		}
	}
	return strings.TrimPrefix(path.Clean("/"+name), "/"), nil
}

// removeTree deletes a directory tree even where entries are read-only.
func removeTree(dir string) {
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
