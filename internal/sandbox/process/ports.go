package process

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// listensOn reports whether a process of group pgid listens on TCP port. It
// lets the driver reach agents that ignore PORT and bind the contract port
// (8080) themselves, as BedrockAgentCoreApp.run() does: such agents work, one
// session at a time, since they share the host's ports. The common case (no
// listener on port at all) costs one read of /proc/net/tcp{,6}; only then
// are the group's file descriptors examined.
func listensOn(pgid, port int) bool {
	inodes := listenInodes(port)
	if len(inodes) == 0 {
		return false
	}
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		if groupOf(p) != pgid {
			continue
		}
		fds, _ := os.ReadDir(filepath.Join(p, "fd"))
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join(p, "fd", fd.Name()))
			if err == nil && inodes[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] {
				return true
			}
		}
	}
	return false
}

// listenInodes returns the socket inodes listening on TCP port.
func listenInodes(port int) map[string]bool {
	inodes := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
			if len(fields) < 10 || fields[3] != "0A" {
				continue
			}
			if i := strings.LastIndex(fields[1], ":"); i >= 0 {
				if p, err := strconv.ParseInt(fields[1][i+1:], 16, 32); err == nil && int(p) == port {
					inodes[fields[9]] = true
				}
			}
		}
		f.Close()
	}
	return inodes
}

// groupOf reads the process group id from /proc/PID/stat.
func groupOf(procDir string) int {
	b, err := os.ReadFile(filepath.Join(procDir, "stat"))
	if err != nil {
		return -1
	}
	s := string(b)
	i := strings.LastIndex(s, ")")
	if i < 0 {
		return -1
	}
	fields := strings.Fields(s[i+1:])
	if len(fields) < 3 {
		return -1
	}
	pg, err := strconv.Atoi(fields[2]) // state ppid pgrp
	if err != nil {
		return -1
	}
	return pg
}
