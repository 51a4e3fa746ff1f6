package minilm

import (
	"context"
	"fmt"
	"github.com/agentcore-dev/agentcore/internal/embed"
	"math"
	"path/filepath"
	"runtime"
	"sync"
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

// linear is a dense layer y = x·Wᵀ + b with W stored [out][in] as in
// PyTorch.
type linear struct {
	w       []float32
	b       []float32
	in, out int
}

type layerNorm struct{ g, b []float32 }

type layer struct {
	qkv      linear // query, key and value fused: out = 3*hidden
	attnOut  linear
	ln1      layerNorm
	up, down linear
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

// Load reads tokenizer.json and model.safetensors from dir.
func Load(dir string) (*Model, error) {
	tok, err := LoadTokenizer(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		return nil, err
	}
	st, err := readSafetensors(filepath.Join(dir, "model.safetensors"))
	if err != nil {
		return nil, err
	}
	m, err := newModel(tok, st)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "model.safetensors"), err)
	}
	return m, nil
}

func newModel(tok *Tokenizer, st *tensors) (*Model, error) {
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
	lin := func(prefix string, out, in int) linear {
		return linear{w: get(prefix+".weight", out, in), b: get(prefix+".bias", out), in: in, out: out}
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
		q, k, v := lin(p+"attention.self.query", hidden, hidden), lin(p+"attention.self.key", hidden, hidden),
			lin(p+"attention.self.value", hidden, hidden)
		l := &m.layers[i]
		l.qkv = linear{w: concat(q.w, k.w, v.w), b: concat(q.b, k.b, v.b), in: hidden, out: 3 * hidden}
		l.attnOut = lin(p+"attention.output.dense", hidden, hidden)
		l.ln1 = ln(p + "attention.output.LayerNorm")
		l.up = lin(p+"intermediate.dense", inter, hidden)
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

// Embed returns the L2-normalised mean-pooled sentence vector of each text
// (embed.Embedder). A single text uses every thread inside the forward
// pass; several texts are spread over the threads one text each.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	if len(texts) == 1 || m.threads == 1 {
		for i, t := range texts {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			out[i] = m.Sentence(m.tok.Encode(t, MaxTokens), m.threads)
		}
		return out, nil
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < m.threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = m.Sentence(m.tok.Encode(texts[i], MaxTokens), 1)
			}
		}()
	}
	var err error
	for i := range texts {
		if err = ctx.Err(); err != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, err
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
	x := m.forward(ids, threads)
	t := len(ids)
	v := make([]float32, hidden)
	for i := 0; i < t; i++ {
		row := x[i*hidden : (i+1)*hidden]
		for j, f := range row {
			v[j] += f
		}
	}
	inv := 1 / float32(t)
	for j := range v {
		v[j] *= inv
	}
	return v
}

// forward returns the last hidden states, [len(ids)][hidden].
func (m *Model) forward(ids []int32, threads int) []float32 {
	t := len(ids)
	x := make([]float32, t*hidden)
	for i, id := range ids {
		row := x[i*hidden : (i+1)*hidden]
		w := m.wordEmb[int(id)*hidden:]
		p := m.posEmb[i*hidden:]
		for j := range row {
			row[j] = w[j] + p[j] + m.typeEmb[j]
		}
		m.embLN.apply(row)
	}
	qkv := make([]float32, t*3*hidden)
	ctxv := make([]float32, t*hidden)
	tmp := make([]float32, t*hidden)
	up := make([]float32, t*inter)
	scores := make([]float32, t)
	for li := range m.layers {
		l := &m.layers[li]
		l.qkv.apply(qkv, x, t, threads)
		attention(ctxv, qkv, t, scores)
		l.attnOut.apply(tmp, ctxv, t, threads)
		for i := 0; i < t; i++ {
			row := x[i*hidden : (i+1)*hidden]
			add(row, tmp[i*hidden:(i+1)*hidden])
			l.ln1.apply(row)
		}
		l.up.apply(up, x, t, threads)
		gelu(up)
		l.down.apply(tmp, up, t, threads)
		for i := 0; i < t; i++ {
			row := x[i*hidden : (i+1)*hidden]
			add(row, tmp[i*hidden:(i+1)*hidden])
			l.ln2.apply(row)
		}
	}
	return x
}

func add(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// attention is multi-head scaled dot-product self-attention over the fused
// qkv rows ([t][q|k|v]), writing the heads' contexts side by side.
func attention(out, qkv []float32, t int, scores []float32) {
	scale := float32(1 / math.Sqrt(headDim))
	stride := 3 * hidden
	for h := 0; h < heads; h++ {
		off := h * headDim
		for i := 0; i < t; i++ {
			q := qkv[i*stride+off : i*stride+off+headDim]
			maxS := float32(math.Inf(-1))
			for j := 0; j < t; j++ {
				k := qkv[j*stride+hidden+off : j*stride+hidden+off+headDim]
				var s float32
				for d, qv := range q {
					s += qv * k[d]
				}
				s *= scale
				scores[j] = s
				maxS = max(maxS, s)
			}
			var sum float32
			for j := 0; j < t; j++ {
				e := float32(expNeg(float64(scores[j] - maxS)))
				scores[j] = e
				sum += e
			}
			o := out[i*hidden+off : i*hidden+off+headDim]
			clear(o)
			inv := 1 / sum
			for j := 0; j < t; j++ {
				p := scores[j] * inv
				v := qkv[j*stride+2*hidden+off : j*stride+2*hidden+off+headDim]
				for d := range o {
					o[d] += p * v[d]
				}
			}
		}
	}
}

func (n *layerNorm) apply(x []float32) {
	var mean float64
	for _, v := range x {
		mean += float64(v)
	}
	mean /= float64(len(x))
	var vr float64
	for _, v := range x {
		d := float64(v) - mean
		vr += d * d
	}
	vr /= float64(len(x))
	inv := 1 / math.Sqrt(vr+lnEps)
	for i, v := range x {
		x[i] = float32((float64(v)-mean)*inv)*n.g[i] + n.b[i]
	}
}

// gelu is the exact (erf) GELU of BERT's "gelu" activation.
func gelu(x []float32) {
	for i, v := range x {
		x[i] = 0.5 * v * (1 + erf32(v*math.Sqrt2/2))
	}
}
