package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// fsProbe runs the session storage probes ("fs" action): op "symlink" and
// "link" make Path a symbolic or hard link to Target, "mkfiles" writes Count
// files of Size bytes under Path (nested 100 to a directory), "du" counts
// the files and bytes under Path, "whoami" reports the agent's ids and the
// owner of Path.
func fsProbe(req request) map[string]any {
	out := map[string]any{}
	var err error
	switch req.Op {
	case "symlink":
		err = os.Symlink(req.Target, req.Path)
	case "link":
		err = os.Link(req.Target, req.Path)
	case "mkfiles":
		buf := make([]byte, req.Size)
		for i := range buf {
			buf[i] = byte(i)
		}
		for i := 0; i < req.Count && err == nil; i++ {
			dir := filepath.Join(req.Path, fmt.Sprintf("d%03d", i/100))
			if i%100 == 0 {
				err = os.MkdirAll(dir, 0o755)
			}
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%05d", i)), buf, 0o644)
			}
		}
		out["written"] = req.Count
	case "du":
		var files, bytes int64
		err = filepath.Walk(req.Path, func(_ string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			files++
			bytes += info.Size()
			return nil
		})
		out["files"], out["bytes"] = files, bytes
	case "whoami":
		out["uid"], out["gid"] = os.Getuid(), os.Getgid()
		var st syscall.Stat_t
		if err = syscall.Lstat(req.Path, &st); err == nil {
			out["ownerUid"], out["ownerGid"] = st.Uid, st.Gid
		}
	default:
		err = fmt.Errorf("unknown fs op %q", req.Op)
	}
	if err != nil {
		out["error"] = err.Error()
	}
	return out
}
