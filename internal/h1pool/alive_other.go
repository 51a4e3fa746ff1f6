//go:build !unix

package h1pool

import "net"

// Alive cannot peek here; a closed connection fails its request (and a
// replayable one is sent again on a new connection).
func Alive(net.Conn) bool { return true }
