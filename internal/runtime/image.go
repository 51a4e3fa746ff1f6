package runtime

import (
	"context"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// ImageInfo is a pulled container image, as the runtime runs it.
type ImageInfo struct {
	Ref     string
	Digest  string   // manifest digest, sha256:<hex>
	RootFS  string   // flattened, read-only root filesystem
	Command []string // resolved entrypoint + cmd
	// CommandErr says why the image cannot run (no entrypoint or cmd,
	// entrypoint missing); Command is then empty.
	CommandErr error
	Env        []string // image environment, PATH always set
	WorkDir    string
}

// Images pulls container images; internal/image implements it.
type Images interface {
	// CheckRef validates a reference's syntax (errs.Invalid).
	CheckRef(ref string) error
	// Pull fetches ref; failures are classified errors with the registry's reason.
	Pull(ctx context.Context, ref string) (*ImageInfo, error)
	// Get returns an image already on this host by digest, or errs.NotFound.
	Get(digest string) (*ImageInfo, error)
	// Pinned returns ref pinned to digest (repository@digest).
	Pinned(ref, digest string) (string, error)
}

// maxFailureReason bounds a failureReason built from a registry's answer.
const maxFailureReason = 1000

// prepareImage pulls a containerConfiguration version's image and checks
// that it can run. It returns the pinned image, or the failure reason.
func (s *Service) prepareImage(ctx context.Context, uri string) (*VersionImage, string) {
	if s.images == nil {
		return nil, "cannot pull image " + uri + ": container images are not enabled on this server"
	}
	img, err := s.images.Pull(ctx, uri)
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "cannot pull image") {
			msg = "cannot pull image " + uri + ": " + msg
		}
		return nil, truncate(msg, maxFailureReason)
	}
	if img.CommandErr != nil {
		return nil, truncate(img.CommandErr.Error(), maxFailureReason)
	}
	return &VersionImage{Ref: uri, Digest: img.Digest}, ""
}

// imageSpec is the command, root filesystem and environment of a
// containerConfiguration version: exactly the image pinned at preparation.
func (s *Service) imageSpec(rt *Runtime, v *Version) (sandbox.Spec, error) {
	if s.images == nil || s.sessions == nil || !s.sessions.SupportsImages() {
		return sandbox.Spec{}, errs.E(errs.RuntimeClient, "container images are not supported by the %s sandbox driver", s.driverName())
	}
	if v.Image == nil {
		return sandbox.Spec{}, errs.E(errs.RuntimeClient, "version %d of agent runtime %s has no pulled image; update the runtime to deploy it again", v.Version, rt.ID)
	}
	img, err := s.images.Get(v.Image.Digest)
	if err != nil {
		// Not on this host (cache removed, or another server prepared the
		// version): fetch exactly the pinned digest.
		var ref string
		if ref, err = s.images.Pinned(v.Image.Ref, v.Image.Digest); err == nil {
			ctx, cancel := context.WithTimeout(s.ctx, 10*time.Minute)
			img, err = s.images.Pull(ctx, ref)
			cancel()
		}
		if err != nil {
			return sandbox.Spec{}, errs.Wrap(errs.RuntimeClient, err, "Runtime initialization failed")
		}
	}
	if img.CommandErr != nil {
		return sandbox.Spec{}, errs.Wrap(errs.RuntimeClient, img.CommandErr, "Runtime initialization failed")
	}
	env := map[string]string{}
	for _, kv := range img.Env {
		if k, val, ok := strings.Cut(kv, "="); ok && k != "" {
			env[k] = val
		}
	}
	if _, ok := env["PYTHONUNBUFFERED"]; !ok {
		env["PYTHONUNBUFFERED"] = "1" // agent logs reach the session log as they are written
	}
	// Image: the pinned reference, for drivers whose nodes pull it.
	pinned, _ := s.images.Pinned(v.Image.Ref, v.Image.Digest)
	return sandbox.Spec{Command: img.Command, RootFS: img.RootFS, WorkDir: img.WorkDir, Env: s.agentEnv(env, rt, v), Image: pinned}, nil
}

// driverName names the sandbox driver ("none" without a session manager).
func (s *Service) driverName() string {
	if s.sessions == nil {
		return "none"
	}
	return s.sessions.DriverName()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
