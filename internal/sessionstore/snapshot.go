package sessionstore

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/untar"
)

// writeSnapshot writes the tree under dir to w as a gzip-compressed tar:
// directories, regular files, symbolic links (as links, never followed)
// and hard links (as links to the first name seen). Sockets, FIFOs and
// devices are left out. The tree is read through an os.Root, so a link
// the agent planted cannot make the server read anything outside it.
func writeSnapshot(ctx context.Context, dir string, w io.Writer) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	type inode struct{ dev, ino uint64 }
	seen := map[inode]string{}
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		link := ""
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			if link, err = root.Readlink(p); err != nil {
				return err
			}
		case fi.IsDir(), fi.Mode().IsRegular():
		default:
			return nil // sockets, FIFOs, devices
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(p)
		if fi.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uname, hdr.Gname = "", ""
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && fi.Mode().IsRegular() && st.Nlink > 1 {
			k := inode{uint64(st.Dev), uint64(st.Ino)}
			if first, ok := seen[k]; ok {
				hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
				return tw.WriteHeader(hdr)
			}
			seen[k] = hdr.Name
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		f, err := root.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		// A file that changed size meanwhile would corrupt the tar: copy
		// exactly the size in the header (short files are an error).
		if _, err := io.CopyN(tw, f, hdr.Size); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readSnapshot extracts a snapshot written by writeSnapshot into dir (new
// and empty) through untar.Extract: names, links and devices cannot leave
// dir. Content beyond the quotas is a ServiceQuotaExceededException.
func (s *Store) readSnapshot(ctx context.Context, r io.Reader, dir string) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("session storage snapshot: %w", err)
	}
	defer zr.Close()
	// The quota counts allocated bytes, the archive apparent sizes: give
	// room for small files' rounding either way.
	err = untar.Extract(ctx, zr, dir, 4*s.o.MaxBytes, int(2*s.o.MaxFiles)+16)
	var le *untar.LimitError
	if errors.As(err, &le) {
		return errs.E(errs.QuotaExceeded, "session storage snapshot is over the quota: %s (quotas: %d bytes, %d files per session)", le.What, s.o.MaxBytes, s.o.MaxFiles)
	}
	if err != nil {
		return fmt.Errorf("session storage snapshot: %w", err)
	}
	return nil
}

// fingerprint summarises a tree for change detection: a hash of every
// entry's path, type and mode bits, size and modification time. Writes,
// creates, deletes and renames move a file's or its directory's mtime;
// chmod changes the mode. Owners and ctime are left out: the drivers
// re-own the tree at every start. A write that keeps a file's size and
// then sets its mtime back is not seen (that session end stores nothing).
func fingerprint(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%q %o %d %d\n", p, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
