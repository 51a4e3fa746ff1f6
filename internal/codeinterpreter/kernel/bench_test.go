package kernel

import (
	"bytes"
	"io"
	"net/http"
	"testing"
)

// BenchmarkKernelDirect is the "direct call" baseline: a warm executeCode of
// `1+1` posted straight to the kernel process over loopback HTTP, with no
// server, sandbox or event stream in between.
func BenchmarkKernelDirect(b *testing.B) {
	k := startKernel(b)
	body := []byte(`{"name":"executeCode","arguments":{"code":"1+1","language":"python"},"timeoutSeconds":30}`)
	want := []byte(`"stdout":"2\n"`)
	call := func() {
		resp, err := http.Post(k.url+"/invoke", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || !bytes.Contains(data, want) {
			b.Fatalf("%d %v %s", resp.StatusCode, err, data)
		}
	}
	call() // warm: worker started, connection open
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		call()
	}
}
