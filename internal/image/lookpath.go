package image

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// lookPath finds program in the image the way a container runtime would:
// names with a slash are taken as they are (relative to the working
// directory), bare names are searched in the image's PATH. It returns the
// path inside the image (symlinks kept, so multi-call binaries still see
// their name).
func (img *Image) lookPath(program string) (string, error) {
	if strings.Contains(program, "/") {
		p := program
		if !path.IsAbs(p) {
			p = path.Join(img.WorkDir(), p)
		}
		if err := img.checkExecutable(p); err != nil {
			return "", err
		}
		return program, nil
	}
	search, ok := img.Getenv("PATH")
	if !ok {
		search = DefaultPath
	}
	for _, dir := range filepath.SplitList(search) {
		if !path.IsAbs(dir) {
			continue
		}
		p := path.Join(dir, program)
		if img.checkExecutable(p) == nil {
			return p, nil
		}
	}
	return "", errors.New("not found in the image's PATH " + search)
}

func (img *Image) checkExecutable(p string) error {
	fi, err := img.stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file in the image")
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return errors.New(p + " is not a regular file")
	case fi.Mode()&0o111 == 0:
		return errors.New(p + " is not executable")
	}
	return nil
}

// stat follows p inside the image: symlinks resolve against the image root
// (absolute targets included) and never leave it.
func (img *Image) stat(p string) (fs.FileInfo, error) {
	cur := "/"
	parts := strings.Split(p, "/")
	for hops := 0; len(parts) > 0; {
		c := parts[0]
		parts = parts[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, c)
		host := filepath.Join(img.RootFS, filepath.FromSlash(next))
		fi, err := os.Lstat(host)
		if err != nil {
			return nil, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > 40 {
			return nil, syscall.ELOOP
		}
		target, err := os.Readlink(host)
		if err != nil {
			return nil, err
		}
		if path.IsAbs(target) {
			cur = "/"
		}
		parts = append(strings.Split(target, "/"), parts...)
	}
	return os.Lstat(filepath.Join(img.RootFS, filepath.FromSlash(cur)))
}
