package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/sessionstore"
)

// FilesystemConfiguration is one member of filesystemConfigurations (the
// FilesystemConfiguration union).
type FilesystemConfiguration struct {
	SessionStorage         *SessionStorageConfiguration `json:"sessionStorage,omitempty"`
	EfsAccessPoint         *AccessPointConfiguration    `json:"efsAccessPoint,omitempty"`
	S3FilesAccessPoint     *AccessPointConfiguration    `json:"s3FilesAccessPoint,omitempty"`
	CapacityProviderVolume *VolumeConfiguration         `json:"capacityProviderVolume,omitempty"`
}

// SessionStorageConfiguration asks for managed, per-session storage.
type SessionStorageConfiguration struct {
	MountPath string `json:"mountPath"`
}

// AccessPointConfiguration names a shared file system by access point ARN.
type AccessPointConfiguration struct {
	AccessPointArn string `json:"accessPointArn"`
	MountPath      string `json:"mountPath"`
}

// VolumeConfiguration names a capacity provider volume.
type VolumeConfiguration struct {
	VolumeName string `json:"volumeName"`
	MountPath  string `json:"mountPath"`
}

// SessionStorageEnv tells the agent where its session storage is: the
// mountPath under the isolating drivers, the host directory under the
// process driver (which has no mount namespace to mount it in).
const SessionStorageEnv = "AGENTCORE_SESSION_STORAGE"

// maxFilesystems bounds filesystemConfigurations (as AgentCore does).
const maxFilesystems = 5

// mountPathRE: a directory directly under /mnt.
var mountPathRE = regexp.MustCompile(`^/mnt/[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$`)

// parseFilesystems decodes filesystemConfigurations (nil when absent).
func parseFilesystems(raw json.RawMessage) ([]FilesystemConfiguration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var fs []FilesystemConfiguration
	if err := json.Unmarshal(raw, &fs); err != nil {
		return nil, errs.Field("filesystemConfigurations", "filesystemConfigurations must be a list of FilesystemConfiguration objects: %v", err)
	}
	return fs, nil
}

// checkFilesystems validates filesystemConfigurations: at most five, each
// setting exactly one member, mount paths /mnt/<name> without duplicates,
// one sessionStorage at most, and shared file systems this server's
// operator configured (--filesystems).
func (s *Service) checkFilesystems(raw json.RawMessage) error {
	fs, err := parseFilesystems(raw)
	if err != nil {
		return err
	}
	if len(fs) > maxFilesystems {
		return errs.Field("filesystemConfigurations", "filesystemConfigurations lists %d file systems; at most %d are allowed", len(fs), maxFilesystems)
	}
	seen := map[string]int{}
	storage := 0
	for i, f := range fs {
		field := fmt.Sprintf("filesystemConfigurations[%d]", i)
		n := 0
		var mp, member string
		if f.SessionStorage != nil {
			n, mp, member = n+1, f.SessionStorage.MountPath, "sessionStorage"
			storage++
		}
		if f.EfsAccessPoint != nil {
			n, mp, member = n+1, f.EfsAccessPoint.MountPath, "efsAccessPoint"
		}
		if f.S3FilesAccessPoint != nil {
			n, mp, member = n+1, f.S3FilesAccessPoint.MountPath, "s3FilesAccessPoint"
		}
		if f.CapacityProviderVolume != nil {
			n, mp, member = n+1, f.CapacityProviderVolume.MountPath, "capacityProviderVolume"
		}
		if n != 1 {
			return errs.Field(field, "%s must set exactly one of sessionStorage, efsAccessPoint, s3FilesAccessPoint and capacityProviderVolume", field)
		}
		field += "." + member + ".mountPath"
		if !mountPathRE.MatchString(mp) || strings.Trim(mp[len("/mnt/"):], ".") == "" {
			return errs.Field(field, "%s %q must be a directory directly under /mnt (/mnt/NAME; letters, digits, '.', '_' and '-', no further '/')", field, mp)
		}
		if j, dup := seen[mp]; dup {
			return errs.Field(field, "mountPath %q is used by filesystemConfigurations[%d] and [%d]; each file system needs its own", mp, j, i)
		}
		seen[mp] = i
		if storage > 1 {
			return errs.Field(field, "filesystemConfigurations may hold one sessionStorage")
		}
		if f.SessionStorage != nil && s.storage == nil {
			return errs.Field(field, "session storage is not enabled on this server")
		}
		if err := s.checkShared(f, fmt.Sprintf("filesystemConfigurations[%d].%s", i, member)); err != nil {
			return err
		}
	}
	return nil
}

// checkShared checks that a shared file system is one the operator mapped.
func (s *Service) checkShared(f FilesystemConfiguration, field string) error {
	name, what := sharedName(f)
	if name == "" && what == "" {
		return nil // sessionStorage
	}
	if name == "" {
		return errs.Field(field, "%s: %s is required", field, what)
	}
	if _, ok := s.filesystems[name]; !ok {
		return errs.Field(field, "%s %s %q is not a file system this server provides; the server's operator maps names and ARNs to directories with --filesystems (configured: %d)", field, what, name, len(s.filesystems))
	}
	return nil
}

// sharedName returns the registry key a shared file system is looked up by
// and what it is called ("", "" for sessionStorage).
func sharedName(f FilesystemConfiguration) (name, what string) {
	switch {
	case f.EfsAccessPoint != nil:
		return f.EfsAccessPoint.AccessPointArn, "accessPointArn"
	case f.S3FilesAccessPoint != nil:
		return f.S3FilesAccessPoint.AccessPointArn, "accessPointArn"
	case f.CapacityProviderVolume != nil:
		return f.CapacityProviderVolume.VolumeName, "volumeName"
	}
	return "", ""
}

// hasSessionStorage reports whether a version asks for session storage
// (such versions get no warm pool: an environment mounts one session's
// directory from its start).
func hasSessionStorage(v *Version) bool {
	fs, _ := parseFilesystems(v.Config.FilesystemConfigurations)
	for _, f := range fs {
		if f.SessionStorage != nil {
			return true
		}
	}
	return false
}

// attachFilesystems adds a version's file systems to a session's spec:
// the session's storage directory (opened for this environment, closed by
// the returned func once the environment is gone) and shared directories.
func (s *Service) attachFilesystems(ctx context.Context, acct, id string, v *Version, sessionID string, spec *sandbox.Spec) (func(), error) {
	fs, err := parseFilesystems(v.Config.FilesystemConfigurations)
	if err != nil || len(fs) == 0 {
		return func() {}, err
	}
	var h *sessionstore.Handle
	for _, f := range fs {
		if f.SessionStorage != nil {
			if sessionID == "" || s.storage == nil {
				continue // warm pools are off for these versions (hasSessionStorage)
			}
			if h, err = s.storage.Open(ctx, acct, id, sessionID, v.Version); err != nil {
				return nil, err
			}
			h.OnExceeded = func(err error) {
				s.log.Warn("stopping session: session storage over quota", "runtime", id, "err", err)
				s.sessions.Stop(context.Background(), acct, id, sessionID) //nolint:errcheck // may have stopped already
			}
			spec.Mounts = append(spec.Mounts, sandbox.Mount{Source: h.Data(), Target: f.SessionStorage.MountPath, Writable: true, Own: true})
			spec.Env = append(spec.Env, SessionStorageEnv+"="+h.Data())
			continue
		}
		name, _ := sharedName(f)
		dir, ok := s.filesystems[name]
		if !ok {
			if h != nil {
				h.Close()
			}
			return nil, errs.E(errs.RuntimeClient, "file system %q is no longer configured on this server (--filesystems)", name)
		}
		mp := ""
		switch {
		case f.EfsAccessPoint != nil:
			mp = f.EfsAccessPoint.MountPath
		case f.S3FilesAccessPoint != nil:
			mp = f.S3FilesAccessPoint.MountPath
		case f.CapacityProviderVolume != nil:
			mp = f.CapacityProviderVolume.MountPath
		}
		spec.Mounts = append(spec.Mounts, sandbox.Mount{Source: dir, Target: mp, Writable: true})
	}
	return func() {
		if h != nil {
			h.Close()
		}
	}, nil
}
