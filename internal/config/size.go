package config

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a size in bytes written as a plain integer or with a binary
// suffix (KiB, MiB, GiB, TiB; the B and the i are optional: 2G = 2GiB).
type byteSize int64

var sizeUnits = []struct {
	suffix string
	shift  uint
}{{"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}}

func (b *byteSize) Set(v string) error {
	s := strings.ToUpper(strings.TrimSpace(v))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "B"), "I")
	var shift uint
	for _, u := range sizeUnits {
		if t, ok := strings.CutSuffix(s, u.suffix); ok {
			s, shift = t, u.shift
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return fmt.Errorf("%q is not a size (bytes, or e.g. 512MiB, 2GiB)", v)
	}
	*b = byteSize(n << shift)
	return nil
}

func (b byteSize) String() string {
	for _, u := range sizeUnits {
		if b != 0 && b%(1<<u.shift) == 0 {
			return strconv.FormatInt(int64(b)>>u.shift, 10) + u.suffix + "iB"
		}
	}
	return strconv.FormatInt(int64(b), 10)
}
