package e2e

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// debianChromium is the Chromium the live-view viewer runs (the sessions
// run the server's --browser-chromium).
const debianChromium = "/usr/lib/chromium/chromium"

// TestClientsBrowser runs the Browser's client scenarios against a server
// with an HTTPS listener, with the one-time set-up `agentcore certs` prints
// (startTLS) and agentcore.local.amazonaws.com resolving to 127.0.0.1 in the
// clients' own mount namespace (testenv.WithHosts):
//
//   - tests/python/test_browser_sdk.py: the bedrock-agentcore SDK's
//     browser_session + Playwright for Python (connect_over_cdp with the
//     SDK's SigV4 headers; DOM, form, screenshot), take/release control, the
//     live-view URL opened in a second headless Chromium that follows the
//     screen, boto3 InvokeBrowser actions, and a profile carrying cookies and
//     localStorage from one session to the next;
//   - tests/js/test_browser_playwright.mjs: playwright-core's connectOverCDP
//     with headers signed by @smithy/signature-v4.
//
// The sessions run under the process sandbox driver (testenv's default), so
// their Chromium reaches the pages the clients serve on loopback.
func TestClientsBrowser(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(debianChromium); err != nil {
		t.Skipf("Debian's chromium is not installed (%v): apt-get install chromium", err)
	}
	e, env := startTLS(t, testenv.Fast())
	env = append(env, "AGENTCORE_TEST_BROWSER=1", "AGENTCORE_TEST_CHROMIUM="+debianChromium, "AGENTCORE_TEST_TLS_SPKI="+spkiHash(t, e.CAFile))

	t.Run("python", func(t *testing.T) {
		t.Parallel()
		py := pythonWith(t, "bedrock_agentcore.tools.browser_client, playwright.sync_api, boto3, pytest")
		runWithHosts(t, env, 8*time.Minute, py, "-m", "pytest", "-q", "-rs", "tests/python/test_browser_sdk.py")
	})
	t.Run("node", func(t *testing.T) {
		t.Parallel()
		node := nodeWithModules(t, "playwright-core", "@aws-sdk/client-bedrock-agentcore", "@smithy/signature-v4")
		runWithHosts(t, env, 5*time.Minute, node, "--test", "tests/js/test_browser_playwright.mjs")
	})
}

// spkiHash is the base64 SHA-256 of a certificate's public key, the form
// Chromium's --ignore-certificate-errors-spki-list takes (the viewer trusts
// the local CA this way: Chromium reads no CA-bundle variable).
func spkiHash(t *testing.T, certFile string) string {
	t.Helper()
	b, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: no PEM block", certFile)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// nodeWithModules finds node and makes sure tests/js has its modules
// (npm ci when one is missing; skips without node or npm).
func nodeWithModules(t *testing.T, modules ...string) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := filepath.Join(testenv.RepoRoot(), "tests", "js")
	for _, m := range modules {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m)); err == nil {
			continue
		}
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Skip("npm is not installed and tests/js/node_modules is incomplete")
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in tests/js: %v\n%s", err, out)
		}
		break
	}
	return node
}
