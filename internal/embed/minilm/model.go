package minilm

import (
	"context"
	"fmt"
	"github.com/agentcore-dev/agentcore/internal/embed"
	"path/filepath"
	"runtime"
)

// Shape of all-MiniLM-L6-v2 (config.json).
const (
	hidden    = 384
	heads     = 12
	headDim   = hidden / heads
	inter     = 1536
	numLayers = 6
	maxPos    = 512
	lnEps     = 1e-12
	// MaxTokens is the sentence-transformers max_seq_length of the model:
	// longer inputs are cut (with [CLS] and [SEP] counted).
	MaxTokens = 256
	// Dimensions is the size of the sentence vectors.
	Dimensions = hidden
	// Name identifies the embedder and the version of its vectors.
	Name = "minilm-l6-v2"
)

type layerNorm struct{ g, b []float32 }

type layer struct {
	qkv      qlinear // query, key and value fused: out = 3*hidden
	attnOut  qlinear
	ln1      layerNorm
	up, down qlinear // up applies GELU
	ln2      layerNorm
}

// Model is the all-MiniLM-L6-v2 sentence encoder. It is safe for
// concurrent use.
type Model struct {
	tok     *Tokenizer
	wordEmb []float32 // [vocab][hidden]
	posEmb  []float32 // [maxPos][hidden]
	typeEmb []float32 // token type 0
	embLN   layerNorm
	layers  [numLayers]layer
	// threads bounds the goroutines one forward pass uses.
	threads int
}

// Load reads tokenizer.json and model.safetensors from dir, converting the
// encoder's dense weights to int8 with a scale per row (cosine ≥ 0.997 to
// the float32 model's vectors, about three times as fast per query).
func Load(dir string) (*Model, error) { return load(dir, false) }

// LoadFloat32 is Load keeping the float32 weights: the arithmetic of the
// reference test at 0.9999 and of the static table's distillation.
func LoadFloat32(dir string) (*Model, error) { return load(dir, true) }

func load(dir string, exact bool) (*Model, error) {
	tok, err := LoadTokenizer(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		return nil, err
	}
	st, err := readSafetensors(filepath.Join(dir, "model.safetensors"))
	if err != nil {
		return nil, err
	}
	m, err := newModel(tok, st, exact)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "model.safetensors"), err)
	}
	return m, nil
}

func newModel(tok *Tokenizer, st *tensors, exact bool) (*Model, error) {
	m := &Model{tok: tok, threads: runtime.GOMAXPROCS(0)}
	var err error
	get := func(name string, shape ...int) []float32 {
		if err != nil {
			return nil
		}
		var v []float32
		v, err = st.f32(name, shape...)
		return v
	}
	q := func(w, b []float32, out, in int) qlinear {
		switch {
		case err != nil:
			return qlinear{}
		case exact:
			return qlinear{f: w, b: b, in: in, out: out}
		}
		return quantize(w, b, out, in)
	}
	lin := func(prefix string, out, in int) qlinear {
		return q(get(prefix+".weight", out, in), get(prefix+".bias", out), out, in)
	}
	ln := func(prefix string) layerNorm {
		return layerNorm{g: get(prefix+".weight", hidden), b: get(prefix+".bias", hidden)}
	}
	vocab := tok.VocabSize()
	m.wordEmb = get("embeddings.word_embeddings.weight", vocab, hidden)
	m.posEmb = get("embeddings.position_embeddings.weight", maxPos, hidden)
	if types := get("embeddings.token_type_embeddings.weight", 2, hidden); types != nil {
		m.typeEmb = types[:hidden]
	}
	m.embLN = ln("embeddings.LayerNorm")
	for i := range m.layers {
		p := fmt.Sprintf("encoder.layer.%d.", i)
		w := func(name string) []float32 { return get(p+"attention.self."+name+".weight", hidden, hidden) }
		b := func(name string) []float32 { return get(p+"attention.self."+name+".bias", hidden) }
		l := &m.layers[i]
		l.qkv = q(concat(w("query"), w("key"), w("value")), concat(b("query"), b("key"), b("value")), 3*hidden, hidden)
		l.attnOut = lin(p+"attention.output.dense", hidden, hidden)
		l.ln1 = ln(p + "attention.output.LayerNorm")
		l.up = lin(p+"intermediate.dense", inter, hidden)
		l.up.gelu = true
		l.down = lin(p+"output.dense", hidden, inter)
		l.ln2 = ln(p + "output.LayerNorm")
	}
	if err != nil {
		return nil, err
	}
	return m, nil
}

func concat(parts ...[]float32) []float32 {
	var out []float32
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Tokenizer returns the model's tokenizer.
func (m *Model) Tokenizer() *Tokenizer { return m.tok }

// SetThreads bounds the goroutines one forward pass uses (default
// GOMAXPROCS).
func (m *Model) SetThreads(n int) {
	if n < 1 {
		n = 1
	}
	m.threads = n
}

// Name identifies the embedder (embed.Embedder).
func (m *Model) Name() string { return Name }

// Dimensions is the vector size (embed.Embedder).
func (m *Model) Dimensions() int { return Dimensions }

// batchTokens bounds the tokens of the texts Embed runs through the encoder
// together (a text longer than that runs alone).
const batchTokens = 192

// Embed returns the L2-normalised mean-pooled sentence vector of each text
// (embed.Embedder). Texts are packed into batches of up to batchTokens
// tokens that go through the encoder together: one pass over the weights
// per batch, attention within each text, every thread inside the matrix
// products.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	seqs := make([][]int32, len(texts))
	for i, t := range texts {
		seqs[i] = m.tok.Encode(t, MaxTokens)
	}
	for i := 0; i < len(seqs); {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		j, n := i, 0
		for j < len(seqs) && (j == i || n+len(seqs[j]) <= batchTokens) {
			n += len(seqs[j])
			j++
		}
		for k, v := range m.pooled(seqs[i:j], m.threads) {
			embed.Normalize(v)
			out[i+k] = v
		}
		i = j
	}
	return out, nil
}

// Sentence runs the encoder over token ids ([CLS] … [SEP], no padding) and
// returns the L2-normalised mean of the last hidden states.
func (m *Model) Sentence(ids []int32, threads int) []float32 {
	v := m.Pooled(ids, threads)
	embed.Normalize(v)
	return v
}

// Pooled is Sentence without the final normalisation.
func (m *Model) Pooled(ids []int32, threads int) []float32 {
	return m.pooled([][]int32{ids}, threads)[0]
}

// pooled returns the mean of the last hidden states of each sequence.
func (m *Model) pooled(seqs [][]int32, threads int) [][]float32 {
	x := m.forward(seqs, threads)
	out := make([][]float32, len(seqs))
	off := 0
	for s, ids := range seqs {
		v := make([]float32, hidden)
		for i := range ids {
			add(v, x[(off+i)*hidden:(off+i+1)*hidden])
		}
		inv := 1 / float32(len(ids))
		for j := range v {
			v[j] *= inv
		}
		out[s] = v
		off += len(ids)
	}
	return out
}

// forward returns the last hidden states of the sequences one after the
// other, [Σ len(seqs[i])][hidden]. Dense layers see all tokens at once;
// attention stays within each sequence.
func (m *Model) forward(seqs [][]int32, threads int) []float32 {
	t := 0
	for _, ids := range seqs {
		t += len(ids)
	}
	x := make([]float32, t*hidden)
	row := 0
	for _, ids := range seqs {
		for i, id := range ids {
			r := x[row*hidden : (row+1)*hidden]
			w := m.wordEmb[int(id)*hidden:]
			p := m.posEmb[i*hidden:]
			for j := range r {
				r[j] = w[j] + p[j] + m.typeEmb[j]
			}
			m.embLN.apply(r)
			row++
		}
	}
	qkv := make([]float32, t*3*hidden)
	ctxv := make([]float32, t*hidden)
	tmp := make([]float32, t*hidden)
	up := make([]float32, t*inter)
	scores := make([]float32, MaxTokens)
	for li := range m.layers {
		l := &m.layers[li]
		l.qkv.apply(qkv, x, t, threads)
		off := 0
		for _, ids := range seqs {
			n := len(ids)
			attention(ctxv[off*hidden:(off+n)*hidden], qkv[off*3*hidden:(off+n)*3*hidden], n, scores)
			off += n
		}
		l.attnOut.apply(tmp, ctxv, t, threads)
		for i := 0; i < t; i++ {
			row := x[i*hidden : (i+1)*hidden]
			add(row, tmp[i*hidden:(i+1)*hidden])
			l.ln1.apply(row)
		}
		l.up.apply(up, x, t, threads) // with GELU
		l.down.apply(tmp, up, t, threads)
		for i := 0; i < t; i++ {
			row := x[i*hidden : (i+1)*hidden]
			add(row, tmp[i*hidden:(i+1)*hidden])
			l.ln2.apply(row)
		}
	}
	return x
}
