package console

import (
	"strings"
	"testing"
	"time"
)

// TestHarnessSeesErrors: the harness reports a page's console.error calls,
// uncaught exceptions and failed requests (else the page tests could not
// fail).
func TestHarnessSeesErrors(t *testing.T) {
	b := StartBrowser(t)
	e := localServer(t)
	p := b.NewPage(t)
	p.Ignore = beforeSessionAPI
	p.Visit(t, e.URL+"/console/no-such-page")
	if errs := p.Errors(); len(errs) != 0 {
		t.Fatalf("a clean page: %v", errs)
	}
	Eval[bool](t, p, `(() => {
		console.error('harness: logged');
		setTimeout(() => { throw new Error('harness: thrown'); });
		fetch('/console/assets/missing.js');
		return true;
	})()`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		all := strings.Join(p.Errors(), "\n")
		if strings.Contains(all, "harness: logged") && strings.Contains(all, "harness: thrown") && strings.Contains(all, "404") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("errors seen: %s", all)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
