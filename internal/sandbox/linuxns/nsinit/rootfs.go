package nsinit

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"syscall"
)

// hostSystemDirs are bound read-only into a root built from the host.
var hostSystemDirs = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"}

// devNodes are bound from the host's /dev into the private one.
var devNodes = []string{"null", "zero", "full", "random", "urandom", "tty"}

// buildRoot assembles the session's root filesystem (mounts are private
// already) under cfg.Session and
// returns its path (pivot makes it the root). Everything writable lives on a tmpfs that exists only in
// this mount namespace: it vanishes with the session's last process.
//
// No host path of the session's own files shows inside, not even in
// /proc/self/mountinfo: Dir, Binds and an image root are overlays (whose
// root is their own) given their lower layers as /proc/self/fd/N and their
// upper layers relative to the session tmpfs, the working directory here.
func buildRoot(cfg *Config) (string, error) {
	root, err := buildBase(cfg)
	if err != nil {
		return "", err
	}
	return root, finishRoot(cfg, root)
}

// buildBase mounts the part of the root that does not depend on the
// session's files: the session tmpfs and, in it, the root (the host's
// system directories read-only, or the image), /proc, /tmp and /dev. For a
// root from the host the init builds it before it knows its session.
func buildBase(cfg *Config) (string, error) {
	s := cfg.Session
	if err := mount("tmpfs", s, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, fmt.Sprintf("size=%d,mode=0700", cfg.LayerBytes)); err != nil {
		return "", err
	}
	if err := syscall.Chdir(s); err != nil {
		return "", err
	}
	root := pathJoin(s, "root")
	if cfg.RootFS != "" {
		if err := overlay(cfg.RootFS, root, "image", 0, 0); err != nil {
			return "", err
		}
	} else {
		if err := os.Mkdir(root, 0o755); err != nil {
			return "", err
		}
		if err := mount("tmpfs", root, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size=1m,mode=0755"); err != nil {
			return "", err
		}
		for _, d := range hostSystemDirs {
			if err := bindHost(d, root); err != nil {
				return "", err
			}
		}
	}
	if err := mount("proc", pathJoin(root, "proc"), "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return "", err
	}
	if err := mount("tmpfs", pathJoin(root, "tmp"), "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, fmt.Sprintf("size=%d,mode=1777", cfg.TmpBytes)); err != nil {
		return "", err
	}
	if err := buildDev(pathJoin(root, "dev")); err != nil {
		return "", err
	}
	return root, nil
}

// finishRoot adds the session's files to a root from buildBase and freezes
// it.
func finishRoot(cfg *Config, root string) error {
	// Host paths and Dir come last: they may live under /tmp.
	if cfg.RootFS == "" {
		for _, p := range cfg.HostPaths {
			if err := bindHost(path.Clean(p), root); err != nil {
				return err
			}
		}
		for i, b := range cfg.Binds {
			if b.Writable {
				continue
			}
			if err := overlay(b.Source, pathJoin(root, b.Target), fmt.Sprintf("bind%d", i), 0, syscall.MS_RDONLY); err != nil {
				return err
			}
		}
	}
	if cfg.Dir != "" {
		// The artifact, writable through a per-session layer owned by the agent.
		if err := overlay(cfg.Dir, pathJoin(root, cfg.DirAt), "dir", cfg.UID, 0); err != nil {
			return err
		}
	}
	for _, b := range cfg.Binds {
		if b.Writable {
			if err := bindWritable(b.Source, root, b.Target); err != nil {
				return err
			}
		}
	}
	if err := placeResolvConf(root, cfg.ResolvConf, cfg.RootFS != ""); err != nil {
		return err
	}
	if cfg.RootFS == "" {
		// Only mount points live on the root tmpfs: freeze it.
		if err := syscall.Mount("", root, "", syscall.MS_REMOUNT|syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, ""); err != nil {
			return fmt.Errorf("remount root read-only: %w", err)
		}
	}
	return nil
}

// placeResolvConf gives the session its own /etc/resolv.conf. An image's
// (in its writable layer) is replaced. The host's /etc is bound read-only:
// the file it names (following symlinks inside root, e.g. to systemd's stub
// under /run) is covered by a read-only bind of one written in the session
// tmpfs, or written where the root tmpfs lacks it.
func placeResolvConf(root, content string, image bool) error {
	p := pathJoin(root, "etc", "resolv.conf")
	if image {
		os.Remove(p)
		os.MkdirAll(path.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return fmt.Errorf("write resolv.conf: %w", err)
		}
		return nil
	}
	for range 8 {
		st, err := os.Lstat(p)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			break
		}
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		if path.IsAbs(target) {
			p = pathJoin(root, target)
		} else {
			p = pathJoin(path.Dir(p), target)
		}
		if p != root && !strings.HasPrefix(p, root+"/") {
			return fmt.Errorf("/etc/resolv.conf points outside the root (%s)", target)
		}
	}
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
		if err := os.WriteFile("resolv.conf", []byte(content), 0o644); err != nil { // in the session tmpfs
			return err
		}
		if err := syscall.Mount("resolv.conf", p, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind resolv.conf: %w", err)
		}
		if err := syscall.Mount("", p, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, ""); err != nil {
			return fmt.Errorf("remount resolv.conf read-only: %w", err)
		}
		return nil
	}
	if err := os.MkdirAll(path.Dir(p), 0o755); err != nil {
		return fmt.Errorf("resolv.conf: %w", err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		return fmt.Errorf("resolv.conf: %w", err)
	}
	return nil
}

// mount creates the mount point (a directory) and mounts.
func mount(src, dst, fstype string, flags uintptr, data string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("mount point %s: %w", dst, err)
	}
	if err := syscall.Mount(src, dst, fstype, flags, data); err != nil {
		return fmt.Errorf("mount %s on %s: %w", fstype, dst, err)
	}
	return nil
}

// overlay mounts host dir lower at dst. Writable overlays get an upper
// layer in the session tmpfs (the working directory) whose root is owned by
// uid; read-only ones (flags MS_RDONLY) an empty second lower layer instead.
// name keeps the layers of different overlays apart.
func overlay(lower, dst, name string, uid int, flags uintptr) error {
	fd, err := syscall.Open(lower, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", lower, err)
	}
	defer syscall.Close(fd)
	opts := fmt.Sprintf("lowerdir=/proc/self/fd/%d", fd)
	if flags&syscall.MS_RDONLY != 0 {
		if err := os.Mkdir(name+".empty", 0o755); err != nil {
			return err
		}
		opts += ":" + name + ".empty"
	} else {
		upper, work := name+".upper", name+".work"
		for _, d := range []string{upper, work} {
			if err := os.Mkdir(d, 0o755); err != nil {
				return err
			}
		}
		if st, err := os.Stat(lower); err == nil {
			os.Chmod(upper, st.Mode().Perm()|0o700)
		}
		if uid != 0 {
			if err := os.Chown(upper, uid, uid); err != nil {
				return err
			}
		}
		opts += ",upperdir=" + upper + ",workdir=" + work
	}
	if err := mount("overlay", dst, "overlay", flags|syscall.MS_NOSUID|syscall.MS_NODEV, opts); err != nil {
		return fmt.Errorf("%w (lower layer %s)", err, lower)
	}
	return nil
}

// bindHost makes host path p visible read-only at the same path under root.
// A symlink is recreated as a symlink (merged-/usr systems); a missing path
// is skipped.
func bindHost(p, root string) error {
	st, err := os.Lstat(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	dst := pathJoin(root, p)
	if st.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		if _, err := os.Lstat(dst); err == nil {
			return nil // already provided (e.g. inside a bound dir)
		}
		os.MkdirAll(path.Dir(dst), 0o755)
		return os.Symlink(target, dst)
	}
	if st.IsDir() {
		err = os.MkdirAll(dst, 0o755)
	} else if _, serr := os.Stat(dst); serr != nil {
		os.MkdirAll(path.Dir(dst), 0o755)
		err = os.WriteFile(dst, nil, 0o644)
	}
	if err != nil {
		return fmt.Errorf("mount point %s: %w", dst, err)
	}
	if err := syscall.Mount(p, dst, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return fmt.Errorf("bind %s: %w", p, err)
	}
	return readOnlyTree(dst)
}

// readOnlyTree remounts dst and every mount below it read-only, nosuid and
// nodev (a recursive bind copies submounts with their own flags).
func readOnlyTree(dst string) error {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	defer f.Close()
	var mps []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 4 {
			mp := unescapeMount(fields[4])
			if mp == dst || strings.HasPrefix(mp, dst+"/") {
				mps = append(mps, mp)
			}
		}
	}
	for _, mp := range mps {
		flags := uintptr(syscall.MS_BIND | syscall.MS_REMOUNT | syscall.MS_RDONLY | syscall.MS_NOSUID | syscall.MS_NODEV)
		if err := syscall.Mount("", mp, "", flags, ""); err != nil {
			return fmt.Errorf("remount %s read-only: %w", mp, err)
		}
	}
	return nil
}

// unescapeMount decodes mountinfo's octal escapes (\040 for space, ...).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var c byte
			if _, err := fmt.Sscanf(s[i+1:i+4], "%3o", &c); err == nil {
				b.WriteByte(c)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// buildDev makes a minimal /dev: a few host device nodes, /dev/shm and the
// usual symlinks.
func buildDev(dev string) error {
	if err := mount("tmpfs", dev, "tmpfs", syscall.MS_NOSUID|syscall.MS_NOEXEC, "size=64k,mode=0755"); err != nil {
		return err
	}
	for _, n := range devNodes {
		dst := pathJoin(dev, n)
		if err := os.WriteFile(dst, nil, 0o666); err != nil {
			return err
		}
		if err := syscall.Mount("/dev/"+n, dst, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind /dev/%s: %w", n, err)
		}
	}
	if err := mount("tmpfs", pathJoin(dev, "shm"), "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, "size=64m,mode=1777"); err != nil {
		return err
	}
	for name, target := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := os.Symlink(target, pathJoin(dev, name)); err != nil {
			return err
		}
	}
	return syscall.Mount("", dev, "", syscall.MS_REMOUNT|syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NOEXEC, "")
}

// pivot makes root the root filesystem and detaches the host's.
func pivot(root string) error {
	if err := syscall.Chdir(root); err != nil {
		return err
	}
	if err := syscall.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := syscall.Unmount(".", syscall.MNT_DETACH); err != nil {
		return fmt.Errorf("detach host root: %w", err)
	}
	return syscall.Chdir("/")
}

// bindWritable mounts host directory src read-write (nosuid, nodev) at
// target under root: session storage and shared file systems. The mount
// point is made without following symbolic links, so an image cannot
// redirect it (e.g. /mnt -> /etc) onto a host path.
func bindWritable(src, root, target string) error {
	dst := root
	for _, part := range strings.Split(strings.Trim(path.Clean(target), "/"), "/") {
		dst = pathJoin(dst, part)
		st, err := os.Lstat(dst)
		switch {
		case errors.Is(err, os.ErrNotExist):
			if err := os.Mkdir(dst, 0o755); err != nil {
				return fmt.Errorf("mount point %s: %w", target, err)
			}
		case err != nil:
			return fmt.Errorf("mount point %s: %w", target, err)
		case !st.IsDir():
			return fmt.Errorf("mount point %s: %s is not a directory", target, strings.TrimPrefix(dst, root))
		}
	}
	if err := syscall.Mount(src, dst, "", syscall.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind %s: %w", target, err)
	}
	if err := syscall.Mount("", dst, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_NOSUID|syscall.MS_NODEV, ""); err != nil {
		return fmt.Errorf("remount %s nosuid: %w", target, err)
	}
	return nil
}
