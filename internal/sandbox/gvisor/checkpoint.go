package gvisor

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// Checkpoint implements sandbox.Checkpointer with "runsc checkpoint": the
// sentry saves the sandbox's kernel state, process memory and its in-memory
// root overlay into dir, then the sandbox exits. Files on bind mounts
// (session storage, the bundle) stay on the host and are reopened by path
// on restore. Listening sockets of the host network stack (--network=host
// in the session's namespace) are re-created on restore; open connections
// are not kept (the platform closes its own before pausing).
func (d *Driver) Checkpoint(ctx context.Context, si sandbox.Instance, dir string) (sandbox.CheckpointInfo, error) {
	in, ok := si.(*instance)
	if !ok {
		return sandbox.CheckpointInfo{}, fmt.Errorf("gvisor: checkpoint of a %T, not a gvisor instance", si)
	}
	select {
	case <-in.done:
		return sandbox.CheckpointInfo{}, fmt.Errorf("gvisor: checkpoint: sandbox %s has exited", in.cid)
	default:
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	out, err := in.runscCmdCtx(ctx, "checkpoint", "--image-path", dir, in.cid)
	if err != nil {
		if msg := lastError(filepath.Join(in.dir, "runsc.log")); msg != "" {
			out = append(out, "; runsc log: "+msg...)
		}
		return sandbox.CheckpointInfo{}, fmt.Errorf("gvisor: runsc checkpoint %s: %v: %s", in.cid, err, out)
	}
	// The sandbox exits once saved: "runsc run" returns.
	select {
	case <-in.done:
	case <-time.After(10 * time.Second):
	case <-ctx.Done():
	}
	var info sandbox.CheckpointInfo
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			info.Bytes += fi.Size()
		}
		return nil
	})
	d.opts.Log.Debug("gvisor sandbox checkpointed", "container", in.cid, "image", dir, "bytes", info.Bytes)
	return info, nil
}

// Restore implements sandbox.Checkpointer with "runsc restore": a new
// container (new id, network namespace and cgroup) from spec's bundle, its
// state loaded from the image in dir.
func (d *Driver) Restore(ctx context.Context, s sandbox.Spec, dir string) (sandbox.Instance, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoint.img")); err != nil {
		return nil, fmt.Errorf("gvisor: restore: no checkpoint image in %s: %w", dir, err)
	}
	cfg, err := d.config()
	if err != nil {
		return nil, fmt.Errorf("gvisor: no usable runsc: %w", err)
	}
	in, err := d.start(ctx, cfg, s, dir)
	if err != nil {
		return nil, err
	}
	return in, nil
}

// hostinetRefusal is what a sentry that cannot save host-network sockets
// answers to "runsc checkpoint" (Debian 12's runsc, 2022). Current runsc
// re-creates them on restore and no longer carries the message.
const hostinetRefusal = "checkpoint not supported when using hostinet"

// savesHostinet reports whether the runsc binary at path can checkpoint the
// driver's sandboxes (--network=host): it does not contain hostinetRefusal.
// Read once per probe; no sandbox is started.
func savesHostinet(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	needle := []byte(hostinetRefusal)
	buf := make([]byte, 1<<20+len(needle))
	keep := 0
	for {
		n, err := io.ReadFull(f, buf[keep:])
		if bytes.Contains(buf[:keep+n], needle) {
			return false
		}
		if err != nil {
			return err == io.EOF || err == io.ErrUnexpectedEOF
		}
		keep = copy(buf, buf[keep+n-len(needle):keep+n])
	}
}
