package nsinit

import (
	"errors"
	"fmt"
	"syscall"
)

// The host's side and the init's side of fdConfig.

// SendBox sends the sandbox's part of c and the network namespace fd netns
// to the init over sock (the host's end of fdConfig).
func SendBox(sock int, c *Config, netns int) error {
	msg := frame(c.EncodeBox())
	n, err := syscall.SendmsgN(sock, msg, syscall.UnixRights(netns), nil, syscall.MSG_NOSIGNAL)
	if err != nil {
		return err
	}
	return writeAll(sock, msg[n:])
}

// SendSession sends the session's part of c.
func SendSession(sock int, c *Config) error { return writeAll(sock, frame(c.EncodeSession())) }

func writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := syscall.Write(fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// hostConn reads what the host sends on fdConfig.
type hostConn struct{ buf []byte }

// readBox reads the sandbox's part of the Config and the network namespace
// fd sent with it.
func (h *hostConn) readBox() (*Config, int, error) {
	buf := make([]byte, 16<<10)
	oob := make([]byte, syscall.CmsgSpace(4))
	n, oobn, _, _, err := syscall.Recvmsg(fdConfig, buf, oob, 0)
	if err != nil {
		return nil, -1, err
	}
	h.buf = buf[:n]
	netns := -1
	if msgs, err := syscall.ParseSocketControlMessage(oob[:oobn]); err == nil && len(msgs) == 1 {
		if fds, err := syscall.ParseUnixRights(&msgs[0]); err == nil && len(fds) == 1 {
			netns = fds[0]
		}
	}
	if netns < 0 {
		return nil, -1, errors.New("no network namespace received")
	}
	cfg := &Config{}
	b, err := h.frame()
	if err == nil {
		err = cfg.decodeBox(b)
	}
	if err != nil {
		syscall.Close(netns)
		return nil, -1, err
	}
	return cfg, netns, nil
}

// read returns the next n bytes.
func (h *hostConn) read(n int) ([]byte, error) {
	for len(h.buf) < n {
		b := make([]byte, max(n-len(h.buf), 4096))
		m, err := syscall.Read(fdConfig, b)
		if err == syscall.EINTR {
			continue
		}
		if m <= 0 {
			return nil, fmt.Errorf("connection to the host closed (%v)", err)
		}
		h.buf = append(h.buf, b[:m]...)
	}
	b := h.buf[:n:n]
	h.buf = h.buf[n:]
	return b, nil
}

// frame returns the next framed message (see frame).
func (h *hostConn) frame() ([]byte, error) {
	hdr, err := h.read(4)
	if err != nil {
		return nil, err
	}
	return h.read(int(uint32(hdr[0])<<24 | uint32(hdr[1])<<16 | uint32(hdr[2])<<8 | uint32(hdr[3])))
}
