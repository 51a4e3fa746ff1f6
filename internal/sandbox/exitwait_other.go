//go:build !linux

package sandbox

// WaitExited waits for nothing outside Linux (no pidfds): the caller's
// cmd.Wait waits.
func WaitExited(int) bool { return false }
