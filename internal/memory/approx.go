package memory

import (
	"math/bits"
	"sort"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/embed"
)

// approxMin is the index size from which searches first shortlist
// candidates by the Hamming distance of sign bits (popcount over 4 words
// for 256 dimensions), then score only the shortlist exactly. On 100k
// hashed facts a 2000-candidate shortlist keeps 99.6% of the exact top 10
// (see TestApproxSearchRecall).
const approxMin = 50_000

// shortlist is how many candidates the Hamming pass keeps (at least).
func shortlist(k int) int { return max(2000, 20*k) }

var distPool = sync.Pool{New: func() any { return new([]uint16) }}

func (x *index) words() int { return (x.dim + 63) / 64 }

// signBits sets bit j of dst when v[j] > 0.
func signBits(v []float32, dst []uint64) {
	for i := range dst {
		dst[i] = 0
	}
	for j, f := range v {
		if f > 0 {
			dst[j/64] |= 1 << (j % 64)
		}
	}
}

func (c *compiled) pass(x *index, i int) bool {
	return !(c.sets != nil && !c.sets[x.nsOf[i]] || c.strat >= 0 && x.stratOf[i] != c.strat ||
		x.expires[i] != 0 && x.expires[i] <= c.now || c.meta != nil && !c.meta(x.recs[i]))
}

// approxSearch shortlists by Hamming distance with a counting select (no
// sort of n items), then ranks the shortlist by the int16 dot product.
func (x *index) approxSearch(qf []float32, q []int16, qs float32, k int, c *compiled) []hit {
	n, w := len(x.recs), x.words()
	if c.sets != nil || c.strat >= 0 || c.meta != nil {
		passing := 0 // a selective filter leaves few records: score them exactly
		for i := 0; i < n && passing <= shortlist(k); i++ {
			if c.pass(x, i) {
				passing++
			}
		}
		if passing <= shortlist(k) {
			return x.exactSearch(q, qs, k, c)
		}
	}
	qsig := make([]uint64, w)
	signBits(qf[:min(len(qf), x.dim)], qsig)
	const skip = 0xFFFF
	dp := distPool.Get().(*[]uint16)
	defer distPool.Put(dp)
	if cap(*dp) < n {
		*dp = make([]uint16, n+n/4)
	}
	dist := (*dp)[:n]
	hist := make([]int, x.dim+1)
	passing := 0
	for i := 0; i < n; i++ {
		if !c.pass(x, i) {
			dist[i] = skip
			continue
		}
		d := 0
		sig := x.sigs[i*w : (i+1)*w]
		for j, b := range qsig {
			d += bits.OnesCount64(sig[j] ^ b)
		}
		dist[i] = uint16(d)
		hist[d]++
		passing++
	}
	thr, cum := x.dim, 0 // few passing records: score them all
	if want := shortlist(k); passing > want {
		for d, h := range hist {
			if cum += h; cum >= want {
				thr = d
				break
			}
		}
	}
	var hits []hit
	d := x.dim
	for i := 0; i < n; i++ {
		if int(dist[i]) <= thr {
			s := float32(embed.DotInt16(q, x.vecs[i*d:(i+1)*d])) * x.scales[i] * qs
			hits = append(hits, hit{i, s})
		}
	}
	sort.Slice(hits, func(a, b int) bool {
		if hits[a].score != hits[b].score {
			return hits[a].score > hits[b].score
		}
		return x.recs[hits[a].i].MemoryRecordID < x.recs[hits[b].i].MemoryRecordID
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits
}
