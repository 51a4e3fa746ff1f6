package minilm

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
)

// tensors is a parsed safetensors file: a little-endian u64 header length,
// a JSON header of name -> {dtype, shape, data_offsets} and the data.
type tensors struct {
	header map[string]tensorInfo
	data   []byte
}

type tensorInfo struct {
	DType   string   `json:"dtype"`
	Shape   []int    `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

func readSafetensors(path string) (*tensors, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseSafetensors(b)
}

func parseSafetensors(b []byte) (*tensors, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("safetensors: file too short")
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		return nil, fmt.Errorf("safetensors: header length %d beyond the file", n)
	}
	raw := map[string]json.RawMessage{}
	if err := json.Unmarshal(b[8:8+n], &raw); err != nil {
		return nil, fmt.Errorf("safetensors header: %w", err)
	}
	t := &tensors{header: map[string]tensorInfo{}, data: b[8+n:]}
	for name, v := range raw {
		if name == "__metadata__" {
			continue
		}
		var ti tensorInfo
		if err := json.Unmarshal(v, &ti); err != nil {
			return nil, fmt.Errorf("safetensors tensor %s: %w", name, err)
		}
		if ti.Offsets[0] < 0 || ti.Offsets[1] < ti.Offsets[0] || ti.Offsets[1] > int64(len(t.data)) {
			return nil, fmt.Errorf("safetensors tensor %s: data offsets %v beyond the file", name, ti.Offsets)
		}
		t.header[name] = ti
	}
	return t, nil
}

// f32 returns tensor name as float32s, checking its shape; F32, F16 and BF16
// are read.
func (t *tensors) f32(name string, shape ...int) ([]float32, error) {
	ti, ok := t.header[name]
	if !ok {
		return nil, fmt.Errorf("safetensors: no tensor %s", name)
	}
	if fmt.Sprint(ti.Shape) != fmt.Sprint(shape) {
		return nil, fmt.Errorf("safetensors tensor %s: shape %v, want %v", name, ti.Shape, shape)
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	raw := t.data[ti.Offsets[0]:ti.Offsets[1]]
	out := make([]float32, n)
	switch ti.DType {
	case "F32":
		if len(raw) != 4*n {
			return nil, fmt.Errorf("safetensors tensor %s: %d bytes for %d floats", name, len(raw), n)
		}
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	case "F16", "BF16":
		if len(raw) != 2*n {
			return nil, fmt.Errorf("safetensors tensor %s: %d bytes for %d halves", name, len(raw), n)
		}
		for i := range out {
			h := binary.LittleEndian.Uint16(raw[2*i:])
			if ti.DType == "BF16" {
				out[i] = math.Float32frombits(uint32(h) << 16)
			} else {
				out[i] = halfToFloat(h)
			}
		}
	default:
		return nil, fmt.Errorf("safetensors tensor %s: dtype %s not supported", name, ti.DType)
	}
	return out, nil
}

// halfToFloat converts an IEEE 754 binary16 to float32.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal
		for frac&0x400 == 0 {
			frac <<= 1
			exp--
		}
		exp++
		frac &= 0x3ff
	}
	return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
}
