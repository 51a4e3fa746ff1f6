package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// WithHosts makes cmd run with extra host-name entries (name → IP address)
// without touching the machine's /etc/hosts: the command runs in a mount
// namespace of its own (unshare -m, private propagation) where a copy of
// /etc/hosts with the entries is bind-mounted over /etc/hosts. Every
// resolver that reads /etc/hosts (glibc, Python, Node, Chromium) sees them.
// It skips the test, saying why, when mount namespaces are not permitted
// (not root, or no CAP_SYS_ADMIN).
func WithHosts(t testing.TB, cmd *exec.Cmd, hosts map[string]string) {
	t.Helper()
	unshare, err := hostsSupported()
	if err != nil {
		t.Skipf("cannot give the client its own /etc/hosts (needs `unshare -m` and mount, as root): %v", err)
	}
	base, err := os.ReadFile("/etc/hosts")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	names := make([]string, 0, len(hosts))
	for n := range hosts {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.Write(base)
	if len(base) > 0 && base[len(base)-1] != '\n' {
		b.WriteByte('\n')
	}
	for _, n := range names {
		fmt.Fprintf(&b, "%s\t%s\n", hosts[n], n)
	}
	file := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	path := cmd.Path
	if cmd.Err != nil { // exec.Command could not resolve the name
		t.Fatal(cmd.Err)
	}
	args := append([]string{unshare, "-m", "--propagation", "private", "sh", "-c",
		`mount --bind "$1" /etc/hosts && shift && exec "$@"`, "sh", file, path}, cmd.Args[1:]...)
	cmd.Path, cmd.Args = unshare, args
}

// hostsSupported checks once that `unshare -m` with a bind mount works.
var hostsSupported = sync.OnceValues(func() (string, error) {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return "", err
	}
	out, err := exec.Command(unshare, "-m", "--propagation", "private", "sh", "-c", "mount --bind /etc/hosts /etc/hosts").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
	}
	return unshare, nil
})
