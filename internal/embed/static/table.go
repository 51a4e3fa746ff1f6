package static

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// magic starts a table file: "AGCSTAT1", then little-endian u32 dims, u32
// vocabulary size, a uvarint-length name, the vocabulary (uvarint length +
// bytes per token, in id order), a bitmap of the ids that have a row, one
// float32 scale per row and rows×dims int8 values (value×scale).
const magic = "AGCSTAT1"

// Table is a static token-embedding table: row i of token id is
// Data[i*Dims:(i+1)*Dims]×Scales[i].
type Table struct {
	Name   string
	Dims   int
	Vocab  []string
	Row    []int32 // by token id; -1 = no row
	Scales []float32
	Data   []int8
}

// Encode writes t in the table file format.
func (t *Table) Encode(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString(magic)
	binary.Write(&b, binary.LittleEndian, uint32(t.Dims))
	binary.Write(&b, binary.LittleEndian, uint32(len(t.Vocab)))
	writeString(&b, t.Name)
	for _, tok := range t.Vocab {
		writeString(&b, tok)
	}
	bits := make([]byte, (len(t.Vocab)+7)/8)
	for id, r := range t.Row {
		if r >= 0 {
			bits[id/8] |= 1 << (id % 8)
		}
	}
	b.Write(bits)
	binary.Write(&b, binary.LittleEndian, t.Scales)
	binary.Write(&b, binary.LittleEndian, t.Data)
	_, err := w.Write(b.Bytes())
	return err
}

func writeString(b *bytes.Buffer, s string) {
	b.Write(binary.AppendUvarint(nil, uint64(len(s))))
	b.WriteString(s)
}

// Decode reads a table file.
func Decode(data []byte) (*Table, error) {
	r := bytes.NewReader(data)
	head := make([]byte, len(magic)+8)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:len(magic)]) != magic {
		return nil, errors.New("static table: bad header")
	}
	t := &Table{Dims: int(binary.LittleEndian.Uint32(head[8:]))}
	n := int(binary.LittleEndian.Uint32(head[12:]))
	if t.Dims <= 0 || t.Dims > 4096 || n <= 0 || n > 1<<22 {
		return nil, fmt.Errorf("static table: %d dimensions, %d tokens", t.Dims, n)
	}
	readString := func() (string, error) {
		l, err := binary.ReadUvarint(r)
		if err != nil || l > 1<<16 {
			return "", errors.New("static table: bad string")
		}
		s := make([]byte, l)
		_, err = io.ReadFull(r, s)
		return string(s), err
	}
	var err error
	if t.Name, err = readString(); err != nil {
		return nil, err
	}
	t.Vocab = make([]string, n)
	for i := range t.Vocab {
		if t.Vocab[i], err = readString(); err != nil {
			return nil, err
		}
	}
	bits := make([]byte, (n+7)/8)
	if _, err := io.ReadFull(r, bits); err != nil {
		return nil, errors.New("static table: truncated bitmap")
	}
	t.Row = make([]int32, n)
	rows := int32(0)
	for id := range t.Row {
		t.Row[id] = -1
		if bits[id/8]&(1<<(id%8)) != 0 {
			t.Row[id] = rows
			rows++
		}
	}
	rest := data[len(data)-r.Len():]
	if len(rest) != int(rows)*4+int(rows)*t.Dims {
		return nil, fmt.Errorf("static table: %d bytes of rows, want %d", len(rest), int(rows)*(4+t.Dims))
	}
	t.Scales = make([]float32, rows)
	for i := range t.Scales {
		t.Scales[i] = math.Float32frombits(binary.LittleEndian.Uint32(rest[4*i:]))
	}
	rest = rest[4*rows:]
	t.Data = make([]int8, len(rest))
	for i, c := range rest {
		t.Data[i] = int8(c)
	}
	return t, nil
}

// Quantize sets row r to v as int8 with one scale (max |v| / 127).
func (t *Table) Quantize(r int, v []float32) {
	var m float32
	for _, x := range v {
		m = max(m, float32(math.Abs(float64(x))))
	}
	t.Scales[r] = m / 127
	row := t.Data[r*t.Dims : (r+1)*t.Dims]
	for i, x := range v {
		if m == 0 {
			row[i] = 0
			continue
		}
		row[i] = int8(math.Round(float64(x / m * 127)))
	}
}
