package nsinit

import (
	"errors"
	"strconv"
)

// The configurations travel in a small length-prefixed encoding rather
// than JSON: encoding/json is initialised late in a large binary, and the
// init and the agent stage run before that (see Env).

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) {
	for v >= 0x80 {
		e.b = append(e.b, byte(v)|0x80)
		v >>= 7
	}
	e.b = append(e.b, byte(v))
}

func (e *encoder) int(v int) { e.uint(uint64(int64(v))) }

func (e *encoder) bool(v bool) {
	if v {
		e.uint(1)
	} else {
		e.uint(0)
	}
}

func (e *encoder) bytes(v []byte) {
	e.uint(uint64(len(v)))
	e.b = append(e.b, v...)
}

func (e *encoder) str(v string) {
	e.uint(uint64(len(v)))
	e.b = append(e.b, v...)
}

func (e *encoder) strs(v []string) {
	e.uint(uint64(len(v)))
	for _, s := range v {
		e.str(s)
	}
}

type decoder struct {
	b   []byte
	err error
}

var errShort = errors.New("truncated configuration")

func (d *decoder) uint() uint64 {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		if len(d.b) == 0 {
			d.err = errShort
			return 0
		}
		c := d.b[0]
		d.b = d.b[1:]
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	d.err = errors.New("bad number in configuration")
	return 0
}

func (d *decoder) int() int   { return int(int64(d.uint())) }
func (d *decoder) bool() bool { return d.uint() != 0 }

func (d *decoder) bytes() []byte {
	n := d.uint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errShort
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string { return string(d.bytes()) }

func (d *decoder) strs() []string {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) {
		if d.err == nil {
			d.err = errShort
		}
		return nil
	}
	var v []string
	for range n {
		v = append(v, d.str())
	}
	return v
}

func (d *decoder) done(what string) error {
	if d.err == nil && len(d.b) > 0 {
		d.err = errors.New(strconv.Itoa(len(d.b)) + " bytes left over")
	}
	if d.err != nil {
		return errors.New("decode " + what + ": " + d.err.Error())
	}
	return nil
}

// EncodeBox serialises the sandbox's part of c (see Config).
func (c *Config) EncodeBox() []byte {
	var e encoder
	e.str(c.Session)
	e.int(c.UID)
	e.int(c.GID)
	e.bool(c.UserNS)
	e.int(c.IDs)
	e.int(int(c.TmpBytes))
	e.int(int(c.LayerBytes))
	e.bytes(c.Seccomp)
	return e.b
}

func (c *Config) decodeBox(b []byte) error {
	d := &decoder{b: b}
	c.Session = d.str()
	c.UID = d.int()
	c.GID = d.int()
	c.UserNS = d.bool()
	c.IDs = d.int()
	c.TmpBytes = int64(d.int())
	c.LayerBytes = int64(d.int())
	c.Seccomp = d.bytes()
	return d.done("sandbox config")
}

// EncodeSession serialises the session's part of c.
func (c *Config) EncodeSession() []byte {
	var e encoder
	e.str(c.Hostname)
	e.strs(c.Argv)
	e.strs(c.Env)
	e.str(c.Dir)
	e.str(c.DirAt)
	e.str(c.WorkDir)
	e.str(c.RootFS)
	e.strs(c.HostPaths)
	e.uint(uint64(len(c.Binds)))
	for _, b := range c.Binds {
		e.str(b.Source)
		e.str(b.Target)
		e.bool(b.Writable)
	}
	e.str(c.ResolvConf)
	return e.b
}

func (c *Config) decodeSession(b []byte) error {
	d := &decoder{b: b}
	c.Hostname = d.str()
	c.Argv = d.strs()
	c.Env = d.strs()
	c.Dir = d.str()
	c.DirAt = d.str()
	c.WorkDir = d.str()
	c.RootFS = d.str()
	c.HostPaths = d.strs()
	n := d.uint()
	for i := uint64(0); i < n && d.err == nil; i++ {
		c.Binds = append(c.Binds, Bind{Source: d.str(), Target: d.str(), Writable: d.bool()})
	}
	c.ResolvConf = d.str()
	return d.done("session config")
}

func (c *stageConfig) encode() []byte {
	var e encoder
	e.str(c.Path)
	e.strs(c.Argv)
	e.strs(c.Env)
	e.str(c.WorkDir)
	e.bool(c.UserNS)
	e.int(c.UID)
	e.int(c.GID)
	e.int(c.ErrFD)
	e.int(c.ExeFD)
	e.bytes(c.Seccomp)
	return e.b
}

func decodeStage(b []byte) (*stageConfig, error) {
	d := &decoder{b: b}
	c := &stageConfig{Path: d.str(), Argv: d.strs(), Env: d.strs(), WorkDir: d.str(), UserNS: d.bool(),
		UID: d.int(), GID: d.int(), ErrFD: d.int(), ExeFD: d.int(), Seccomp: d.bytes()}
	return c, d.done("agent stage config")
}

func (c *ExecConfig) encode() []byte {
	var e encoder
	e.str(c.Nsenter)
	e.strs(c.Argv)
	e.strs(c.Env)
	e.bytes(c.Seccomp)
	return e.b
}

func decodeExec(b []byte) (*ExecConfig, error) {
	d := &decoder{b: b}
	c := &ExecConfig{Nsenter: d.str(), Argv: d.strs(), Env: d.strs(), Seccomp: d.bytes()}
	return c, d.done("exec config")
}

// frame prefixes b with its length (4 bytes, big-endian), so a reader knows
// where a message ends on a stream that stays open.
func frame(b []byte) []byte {
	n := len(b)
	return append([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, b...)
}
