//go:build unix

package sandbox

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// maxTreeDepth bounds how deep WalkTree descends: a directory tree an agent
// wrote may be arbitrarily deep, and each level holds a descriptor.
const maxTreeDepth = 512

// TreeEntry is one file WalkTree found: its name in the directory open as
// Dirfd, and its lstat.
type TreeEntry struct {
	Dirfd int
	Name  string
	Stat  unix.Stat_t
}

// WalkTree calls fn for every entry under root (root itself excluded),
// parents before children. It never follows a symbolic link, never leaves
// root's file system, and reaches every entry through descriptors opened
// with O_NOFOLLOW relative to its parent: a tree that the agent changes
// while it is walked (a directory swapped for a symlink) cannot lead it
// outside root. fn must act through Dirfd and Name (fstatat, fchownat, ...),
// never through a path.
func WalkTree(root string, fn func(e *TreeEntry) error) error {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", root, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return err
	}
	return walkDir(fd, uint64(st.Dev), 0, fn) // closes fd
}

func walkDir(fd int, dev uint64, depth int, fn func(e *TreeEntry) error) error {
	f := os.NewFile(uintptr(fd), "dir")
	defer f.Close()
	if depth > maxTreeDepth {
		return fmt.Errorf("directory tree deeper than %d levels", maxTreeDepth)
	}
	for {
		names, err := f.Readdirnames(256)
		for _, name := range names {
			e := TreeEntry{Dirfd: fd, Name: name}
			if err := unix.Fstatat(fd, name, &e.Stat, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				if errors.Is(err, unix.ENOENT) {
					continue // removed meanwhile
				}
				return err
			}
			if uint64(e.Stat.Dev) != dev {
				continue // a mount point: not part of this tree
			}
			if err := fn(&e); err != nil {
				return err
			}
			if e.Stat.Mode&unix.S_IFMT != unix.S_IFDIR {
				continue
			}
			sub, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
				continue // removed or replaced meanwhile
			}
			if err != nil {
				return err
			}
			if err := walkDir(sub, dev, depth+1, fn); err != nil {
				return err
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// TreeUsage is what a directory tree holds.
type TreeUsage struct {
	Bytes int64 // allocated bytes (st_blocks × 512), directories included
	Files int64 // entries of any type below the root
}

// MeasureTree adds up the space and entries under root (see WalkTree).
func MeasureTree(root string) (TreeUsage, error) {
	var u TreeUsage
	err := WalkTree(root, func(e *TreeEntry) error {
		u.Files++
		u.Bytes += int64(e.Stat.Blocks) * 512
		return nil
	})
	return u, err
}

// ShiftOwner makes root and everything under it owned by the ids ids(uid,
// gid) returns for its current owner, without following symbolic links
// (see WalkTree). Entries already owned right are left alone.
func ShiftOwner(root string, ids func(uid, gid int) (int, int)) error {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", root, err)
	}
	var st unix.Stat_t
	err = unix.Fstat(fd, &st)
	if err == nil {
		if u, g := ids(int(st.Uid), int(st.Gid)); u != int(st.Uid) || g != int(st.Gid) {
			err = unix.Fchown(fd, u, g)
		}
	}
	unix.Close(fd)
	if err != nil {
		return fmt.Errorf("chown %s: %w", root, err)
	}
	return WalkTree(root, func(e *TreeEntry) error {
		u, g := ids(int(e.Stat.Uid), int(e.Stat.Gid))
		if u == int(e.Stat.Uid) && g == int(e.Stat.Gid) {
			return nil
		}
		if err := unix.Fchownat(e.Dirfd, e.Name, u, g, unix.AT_SYMLINK_NOFOLLOW); err != nil && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("chown %s: %w", e.Name, err)
		}
		return nil
	})
}
