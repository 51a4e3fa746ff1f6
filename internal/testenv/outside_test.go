package testenv

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestOutsideHostReachableFromHost(t *testing.T) {
	url := OutsideHost(t)
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(b), "outside-ok") {
		t.Fatalf("got %q", b)
	}
}
