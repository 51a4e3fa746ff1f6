package api_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/aws/smithy-go"
)

// TestBrowserIsolation shows, under the linuxns and gvisor drivers, that
// two sessions share no cookies, localStorage, files (profile, downloads)
// or processes; that a PUBLIC browser reaches a test host in a network
// namespace the test made but neither services on the host's loopback nor
// on the session's gateway (the server's own port among them), nor the
// server's data directory; that a session's files are gone after stop;
// and that a page exhausting memory, never finishing to load or spinning
// forever harms neither the other sessions nor the server.
func TestBrowserIsolation(t *testing.T) {
	requireChromium(t)
	for _, driver := range []string{"linuxns", "gvisor"} {
		t.Run(driver, func(t *testing.T) { testBrowserIsolation(t, driver) })
	}
}

// brDownloads is where the tests let a session's Chromium save downloads
// (HOME is /tmp inside the isolating drivers' sandboxes).
const brDownloads = "/tmp/downloads"

func testBrowserIsolation(t *testing.T, driver string) {
	testenv.RequireImageDriver(t, driver) // skips with the reason
	cfg := brConfig()
	cfg.Sandbox = driver
	cfg.Limits = sandbox.Limits{MemoryBytes: 1 << 30, Pids: 512} // the server's defaults are 2 GiB and 512 (browsers get at least 4096)
	e := testenv.Start(t, cfg)
	d := e.Data
	marker := fmt.Sprintf("brmarker-%d.txt", time.Now().UnixNano())
	site := testenv.OutsideServe(t, isoSite()) // skips without root
	startOn := func(browser string, w int32) (*bedrockagentcore.StartBrowserSessionOutput, *cdpConn, string) {
		st := brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: aws.String(browser),
			ViewPort: &types.ViewPort{Width: aws.Int32(w), Height: aws.Int32(700)}})
		c, ps := brAuto(t, st)
		return st, c, ps
	}
	start := func(w int32) (*bedrockagentcore.StartBrowserSessionOutput, *cdpConn, string) {
		return startOn(builtinBrowser, w)
	}
	_, a, pa := start(1001)
	sb, b, pb := start(1002)

	t.Run("cookies-and-storage", func(t *testing.T) {
		if why := a.goTo(pa, site+"/set", 20*time.Second); why != "" {
			t.Fatalf("a loads the test host's page: %s", why)
		}
		if c := a.eval(t, pa, "document.cookie"); c != "cart=42" {
			t.Fatalf("a's cookie: %v", c)
		}
		if v := a.eval(t, pa, `localStorage.getItem("theme")`); v != "dark" {
			t.Fatalf("a's localStorage: %v", v)
		}
		if why := b.goTo(pb, site+"/read", 20*time.Second); why != "" {
			t.Fatalf("b loads the test host's page: %s", why)
		}
		if c := b.eval(t, pb, "document.cookie"); c != "" {
			t.Fatalf("b sees a's cookie: %v", c)
		}
		if v := b.eval(t, pb, `localStorage.getItem("theme")`); v != nil {
			t.Fatalf("b sees a's localStorage: %v", v)
		}
		if all := b.call(t, "", "Storage.getCookies", map[string]any{}); len(all["cookies"].([]any)) != 0 {
			t.Fatalf("b's cookie jar: %v", all)
		}
	})
	t.Run("files", func(t *testing.T) {
		download(t, a, pa, site, brDownloads, marker)
		if names, _ := b.listDir(t, pb, brDownloads); slices.Contains(names, marker) {
			t.Fatalf("b sees a's download: %v", names)
		}
		// Both profiles are at the same path, each in its own sandbox.
		pl, ok := a.listDir(t, pa, "/tmp/chromium-profile")
		if !ok || !slices.Contains(pl, "Default/") {
			t.Fatalf("a's profile directory: %v", pl)
		}
		if names, _ := b.listDir(t, pb, "/tmp"); slices.Contains(names, "downloads/") {
			t.Fatalf("b's /tmp has a's downloads directory: %v", names)
		}
	})
	t.Run("processes", func(t *testing.T) {
		// A process's files are reachable through /proc/PID/root: a sees
		// its download through its own processes; none of the processes b
		// can see is one of a's.
		seen := func(c *cdpConn, sid string) (pids, withMarker int) {
			names, ok := c.listDir(t, sid, "/proc")
			if !ok {
				t.Fatal("no /proc listing")
			}
			for _, n := range names {
				if pid := strings.TrimSuffix(n, "/"); pid != "" && strings.Trim(pid, "0123456789") == "" {
					pids++
					if files, _ := c.listDir(t, sid, "/proc/"+pid+"/root"+brDownloads); slices.Contains(files, marker) {
						withMarker++
					}
				}
			}
			return pids, withMarker
		}
		if pids, mine := seen(a, pa); pids == 0 || mine == 0 {
			t.Fatalf("a sees %d processes, %d of them with its download", pids, mine)
		}
		if pids, theirs := seen(b, pb); pids == 0 || theirs != 0 {
			t.Fatalf("b sees %d processes, %d of them a's", pids, theirs)
		}
	})
	t.Run("public", func(t *testing.T) {
		_, p, pp := startOn(brCreate(t, e.Control, "iso_public"), 1003)
		if why := p.goTo(pp, site+"/read", 20*time.Second); why != "" {
			t.Fatalf("PUBLIC egress to the test host: %s", why)
		}
		if txt := p.bodyText(t, pp); !strings.Contains(txt, "read") {
			t.Fatalf("the test host's page: %q", txt)
		}
		// Services listening on the host's loopback and on the host's side
		// of every sandbox's veth (the session's gateway among them), and
		// the server's own port at both: the session gets none of them.
		var hits atomic.Int32
		secret := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1); fmt.Fprint(w, "host-secret") })
		_, serverPort, _ := net.SplitHostPort(strings.TrimPrefix(e.URL, "http://"))
		var urls []string
		for _, ip := range append([]string{"127.0.0.1"}, vethAddrs(t)...) {
			ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
			if err != nil {
				t.Fatal(err)
			}
			srv := &http.Server{Handler: secret}
			go srv.Serve(ln) //nolint:errcheck // closed at cleanup
			t.Cleanup(func() { srv.Close() })
			urls = append(urls, "http://"+ln.Addr().String()+"/", "http://"+net.JoinHostPort(ip, serverPort)+"/_agentcore/health")
		}
		if len(urls) < 4 {
			t.Fatalf("no veth address on the host for the PUBLIC session: %v", urls)
		}
		var tabs []string
		for _, u := range urls {
			res := p.call(t, "", "Target.createTarget", map[string]any{"url": u})
			tabs = append(tabs, res["targetId"].(string))
		}
		time.Sleep(5 * time.Second) // refused at once, or dropped: no answer in time
		for i, id := range tabs {
			ts := p.call(t, "", "Target.attachToTarget", map[string]any{"targetId": id, "flatten": true})["sessionId"].(string)
			if txt := p.bodyText(t, ts); strings.Contains(txt, "host-secret") || strings.Contains(txt, `"status"`) {
				t.Errorf("PUBLIC reached %s: %q", urls[i], txt)
			}
			p.try("", "Target.closeTarget", map[string]any{"targetId": id}, 5*time.Second) //nolint:errcheck // best effort
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("the host's services got %d requests from the PUBLIC session", n)
		}
		// Of the server's data directory the session sees at most the
		// browser's empty working directory: no database, artifacts, logs
		// or other sessions' files.
		for _, f := range walkFileURLs(t, p, pp, e.DataDir) {
			if f != "browser/" && f != "browser/root/" {
				t.Errorf("PUBLIC session sees %s in the server's data directory", f)
			}
		}
		// A download aimed there lands in the session's own files, if
		// anywhere, never in the host's directory.
		into := filepath.Join(e.DataDir, "browser", "root")
		download(t, p, pp, site, into, "x-"+marker)
		if _, err := os.Stat(filepath.Join(into, "x-"+marker)); err == nil {
			t.Errorf("a session wrote %s on the host", filepath.Join(into, "x-"+marker))
		}
	})
	t.Run("gone-after-stop", func(t *testing.T) {
		st, c, pc := start(1004)
		gone := "gone-" + marker
		download(t, c, pc, site, brDownloads, gone)
		if _, err := d.StopBrowserSession(bg, &bedrockagentcore.StopBrowserSessionInput{BrowserIdentifier: aws.String(builtinBrowser), SessionId: st.SessionId}); err != nil {
			t.Fatal(err)
		}
		_, n, pn := start(1005)
		if names, _ := n.listDir(t, pn, brDownloads); slices.Contains(names, gone) {
			t.Fatalf("a new session sees the stopped one's download: %v", names)
		}
		for _, root := range []string{e.DataDir, os.TempDir()} {
			filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error { //nolint:errcheck // unreadable entries are not the point
				if err == nil && strings.Contains(p, gone) {
					t.Errorf("stopped session's file left on the host: %s", p)
				}
				return nil
			})
		}
	})
	t.Run("exhaustion", func(t *testing.T) {
		// A page that allocates without limit, one that never finishes
		// loading and one that spins forever: the session may die (its
		// sandbox is one cgroup); its neighbours and the server keep
		// serving; the session answers, or is ResourceNotFound, or a typed
		// error — and StopBrowserSession ends it.
		for _, page := range []string{"/hog", "/slow", "/spin"} {
			st, h, ph := start(1006)
			why := h.goTo(ph, site+page, 10*time.Second)
			t.Logf("%s: navigation: %q", page, why)
			if page == "/hog" {
				time.Sleep(3 * time.Second) // let it reach the limit
			}
			if page != "/spin" { // a spinning page cannot paint: a screenshot waits for the action timeout
				_, err := brInvoke(d, builtinBrowser, aws.ToString(st.SessionId), &types.BrowserActionMemberScreenshot{})
				var api smithy.APIError
				switch {
				case err == nil:
					res, _ := h.try(ph, "Runtime.evaluate", map[string]any{"expression": "document.title", "returnByValue": true}, 5*time.Second)
					t.Logf("%s: the session survived (%v)", page, res["result"])
				case isNotFound(err):
					t.Logf("%s: the session died: %v", page, err)
				case errors.As(err, &api):
					t.Logf("%s: the session answers a typed error: %v", page, err)
				default:
					t.Fatalf("%s: the session after it: %v", page, err)
				}
			}
			shot, err := brInvoke(d, builtinBrowser, aws.ToString(sb.SessionId), &types.BrowserActionMemberScreenshot{})
			if s, ok := shot.(*types.BrowserActionResultMemberScreenshot); err != nil || !ok || !isPNG(s.Value.Data) {
				t.Fatalf("neighbour's screenshot after %s: %#v %v", page, shot, err)
			}
			if why := b.goTo(pb, site+"/read", 20*time.Second); why != "" {
				t.Fatalf("neighbour after %s: %s", page, why)
			}
			if resp, err := http.Get(e.URL + "/_agentcore/health"); err != nil || resp.StatusCode != 200 {
				t.Fatalf("server after %s: %v %v", page, resp, err)
			} else {
				resp.Body.Close()
			}
			began := time.Now()
			if _, err := d.StopBrowserSession(bg, &bedrockagentcore.StopBrowserSessionInput{BrowserIdentifier: aws.String(builtinBrowser), SessionId: st.SessionId}); err != nil {
				t.Fatalf("stop after %s: %v", page, err)
			}
			if took := time.Since(began); took > 15*time.Second {
				t.Errorf("stopping the session of %s took %s", page, took)
			}
			if _, err := brInvoke(d, builtinBrowser, aws.ToString(st.SessionId), &types.BrowserActionMemberScreenshot{}); !isNotFound(err) {
				t.Fatalf("stopped session of %s: %v", page, err)
			}
		}
		// And the server still starts sessions.
		_, n, pn := start(1007)
		if why := n.goTo(pn, site+"/read", 20*time.Second); why != "" {
			t.Fatalf("a new session after the exhaustion: %s", why)
		}
	})
}

// isoSite is the test host's site: /set sets a cookie and localStorage,
// /read reads nothing, /download/NAME is a file download, /hog allocates
// without limit, /slow never finishes loading, /spin never yields.
func isoSite() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/set", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "cart", Value: "42", Path: "/", MaxAge: 3600})
		fmt.Fprint(w, `<html><script>localStorage.setItem("theme","dark")</script>set</html>`)
	})
	mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `<html>read</html>`) })
	mux.HandleFunc("/download/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="`+strings.TrimPrefix(r.URL.Path, "/download/")+`"`)
		fmt.Fprint(w, "downloaded by one session only")
	})
	mux.HandleFunc("/hog", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body>hog<script>
const keep = [];
try { for (;;) keep.push(new Float64Array(1 << 20).fill(Math.random())); } catch (e) { document.title = "allocation failed after " + keep.length * 8 + " MiB"; }
</script></body></html>`)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>still loading")
		w.(http.Flusher).Flush()
		<-r.Context().Done() // until the browser gives up or the test host closes
	})
	mux.HandleFunc("/spin", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body>spin<script>setTimeout(() => { for (;;) {} }, 200)</script></body></html>`)
	})
	return mux
}

// vethAddrs are the host's addresses on sandbox veths (10.231.0.0/16,
// hostnet.Pool): every PUBLIC session's gateway.
func vethAddrs(t *testing.T) []string {
	t.Helper()
	_, pool, _ := net.ParseCIDR("10.231.0.0/16")
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && pool.Contains(n.IP) && n.IP.To4()[3]%4 == 1 {
			out = append(out, n.IP.String())
		}
	}
	return out
}
