// Command hotpath runs the issue-21 hot-path benchmark (BenchmarkHotpath in
// internal/e2e/bench_hotpath_test.go): `agentcore server` as its own process,
// a separate keep-alive load client, and the anchors (direct call, Debian's
// nginx as a reverse proxy, a direct spawn) interleaved in the same run.
//
//	go run ./bench/hotpath            # from the repository root
//
// Environment overrides are listed in the benchmark's file comment. Output is
// the benchmark's log, one line per measurement with the load average.
package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
		fmt.Fprintln(os.Stderr, "hotpath: /usr/sbin/nginx is missing (apt-get install -y nginx-light)")
		os.Exit(2)
	}
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^BenchmarkHotpath$", "-benchtime", "1x",
		"-timeout", "60m", "-v", "./internal/e2e/")
	cmd.Stdout, cmd.Stderr, cmd.Stdin = os.Stdout, os.Stderr, os.Stdin
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "hotpath:", err)
		os.Exit(1)
	}
}
