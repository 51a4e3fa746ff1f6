package gvisor

import (
	"os/exec"
	"runtime"
	"sync"
)

// Pdeathsig is delivered when the OS thread that forked the child exits, not
// the process. Go may retire threads (a goroutine that ends while locked to
// its thread, as namespace code does, takes the thread with it), so every
// "runsc run" is forked from one thread that is locked and lives as long as
// the process: the sandbox dies with the server, never earlier.
var (
	spawnOnce sync.Once
	spawnReq  chan spawnCall
)

type spawnCall struct {
	cmd  *exec.Cmd
	errc chan error
}

func startOnSpawner(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawnReq = make(chan spawnCall)
		go func() {
			runtime.LockOSThread() // never unlocked: this thread is the parent of every sandbox
			for c := range spawnReq {
				c.errc <- c.cmd.Start()
			}
		}()
	})
	errc := make(chan error, 1)
	spawnReq <- spawnCall{cmd: cmd, errc: errc}
	return <-errc
}
