// Command distill makes the static embedder's table from the
// all-MiniLM-L6-v2 weights (the model2vec method): every vocabulary token
// as "[CLS] token [SEP]" through the transformer (mean-pooled output), PCA
// to -dims components, each row weighted by a Zipf estimate of its token's
// frequency (sif/(sif+p), rank = vocabulary id order, which BERT's
// vocabulary follows), quantized to int8 per row. The output is
// deterministic for given weights.
//
//	agentcore memory fetch-model --dir /tmp/minilm
//	go run ./internal/embed/static/cmd/distill -model /tmp/minilm -out internal/embed/static/minilm256.bin
package main

import (
	"encoding/gob"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/embed/minilm"
	"github.com/agentcore-dev/agentcore/internal/embed/static"
)

func main() {
	dir := flag.String("model", "", "directory with model.safetensors and tokenizer.json (agentcore memory fetch-model --dir)")
	out := flag.String("out", "internal/embed/static/minilm256.bin", "table file to write")
	dims := flag.Int("dims", 256, "PCA components kept")
	sif := flag.Float64("sif", 1e-4, "Zipf weighting coefficient: weight = sif/(sif+p(rank))")
	cache := flag.String("cache", "", "keep the token vectors in this file (gob) and reuse them")
	flag.Parse()
	if *dir == "" {
		log.Fatal("distill: -model DIR is required")
	}
	m, err := minilm.LoadFloat32(*dir) // the arithmetic the committed table was made with
	if err != nil {
		log.Fatal(err)
	}
	tok := m.Tokenizer()
	words := tok.Words()
	var ids []int32 // tokens that get a row, in id order
	for id, w := range words {
		if strings.HasPrefix(w, "[") && strings.HasSuffix(w, "]") { // [PAD], [unusedN], [CLS], [SEP], [MASK], [UNK]
			continue
		}
		ids = append(ids, int32(id))
	}
	log.Printf("distill: %d of %d tokens through the model", len(ids), len(words))
	vecs := cachedVectors(*cache, func() [][]float64 { return tokenVectors(m, tok, ids) })
	proj := pca(vecs, *dims)
	t := &static.Table{
		Name:   fmt.Sprintf("static-minilm-l6-v2-pca%d-zipf-v1", *dims),
		Dims:   *dims,
		Vocab:  words,
		Row:    make([]int32, len(words)),
		Scales: make([]float32, len(ids)),
		Data:   make([]int8, len(ids)*(*dims)),
	}
	for i := range t.Row {
		t.Row[i] = -1
	}
	var h float64
	for r := range ids {
		h += 1 / float64(r+2)
	}
	for r, id := range ids {
		p := 1 / float64(r+2) / h
		w := float32(*sif / (*sif + p))
		row := proj[r]
		for j := range row {
			row[j] *= w
		}
		t.Row[id] = int32(r)
		t.Quantize(r, row)
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := t.Encode(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("distill: wrote %s (%s)", *out, t.Name)
}

// tokenVectors runs each token alone through the model.
func tokenVectors(m *minilm.Model, tok *minilm.Tokenizer, ids []int32) [][]float64 {
	cls, sep := tok.Encode("", minilm.MaxTokens)[0], tok.Encode("", minilm.MaxTokens)[1]
	out := make([][]float64, len(ids))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				v := m.Pooled([]int32{cls, ids[i], sep}, 1)
				out[i] = make([]float64, len(v))
				for j, f := range v {
					out[i][j] = float64(f)
				}
			}
		}()
	}
	for i := range ids {
		if i%5000 == 0 {
			log.Printf("distill: token %d/%d", i, len(ids))
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func cachedVectors(path string, make func() [][]float64) [][]float64 {
	if path != "" {
		if f, err := os.Open(path); err == nil {
			defer f.Close()
			var v [][]float64
			if err := gob.NewDecoder(f).Decode(&v); err == nil {
				return v
			}
		}
	}
	v := make()
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		if err := gob.NewEncoder(f).Encode(v); err != nil {
			log.Fatal(err)
		}
	}
	return v
}
