// Package pywheel writes small pure-Python wheels for tests that install
// packages with pip without reaching an index: put the wheel in a
// directory and run pip with PIP_NO_INDEX=1 PIP_FIND_LINKS=<dir>.
package pywheel

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

var normalize = regexp.MustCompile(`[-_.]+`)

// Write creates dir/<name>-<version>-py3-none-any.whl holding files (path
// inside the wheel → content, e.g. "demo_pkg/__init__.py") and the
// dist-info metadata, with requires as Requires-Dist lines. It returns the
// wheel's path.
func Write(dir, name, version string, files map[string]string, requires ...string) (string, error) {
	dist := normalize.ReplaceAllString(name, "_")
	info := dist + "-" + version + ".dist-info/"
	meta := "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n"
	for _, r := range requires {
		meta += "Requires-Dist: " + r + "\n"
	}
	all := map[string]string{
		info + "METADATA": meta,
		info + "WHEEL":    "Wheel-Version: 1.0\nGenerator: agentcore-pywheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
	}
	for p, c := range files {
		all[p] = c
	}
	names := make([]string, 0, len(all))
	for p := range all {
		names = append(names, p)
	}
	sort.Strings(names)
	path := filepath.Join(dir, dist+"-"+version+"-py3-none-any.whl")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	var record strings.Builder
	for _, p := range names {
		w, err := zw.Create(p)
		if err != nil {
			return "", err
		}
		if _, err := w.Write([]byte(all[p])); err != nil {
			return "", err
		}
		sum := sha256.Sum256([]byte(all[p]))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", p, base64.RawURLEncoding.EncodeToString(sum[:]), len(all[p]))
	}
	record.WriteString(info + "RECORD,,\n")
	w, err := zw.Create(info + "RECORD")
	if err != nil {
		return "", err
	}
	if _, err := w.Write([]byte(record.String())); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return path, f.Close()
}
