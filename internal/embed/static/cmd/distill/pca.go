package main

import (
	"log"
	"math"
	"sort"
)

// pca centres the rows and projects them on the k principal components
// (eigenvectors of the covariance by cyclic Jacobi rotations, largest
// eigenvalue first, each signed so its largest-magnitude entry is
// positive).
func pca(rows [][]float64, k int) [][]float32 {
	n, d := len(rows), len(rows[0])
	mean := make([]float64, d)
	for _, r := range rows {
		for j, v := range r {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	cov := make([][]float64, d)
	for i := range cov {
		cov[i] = make([]float64, d)
	}
	c := make([]float64, d)
	for _, r := range rows {
		for j := range c {
			c[j] = r[j] - mean[j]
		}
		for i := 0; i < d; i++ {
			ci := c[i]
			row := cov[i]
			for j := i; j < d; j++ {
				row[j] += ci * c[j]
			}
		}
	}
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			cov[i][j] /= float64(n - 1)
			cov[j][i] = cov[i][j]
		}
	}
	vals, vecs := jacobi(cov)
	order := make([]int, d)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	var total, kept float64
	for i, o := range order {
		total += vals[o]
		if i < k {
			kept += vals[o]
		}
	}
	log.Printf("pca: %d of %d components keep %.1f%% of the variance", k, d, 100*kept/total)
	comps := make([][]float64, k) // comps[c][j]
	for c := 0; c < k; c++ {
		comps[c] = make([]float64, d)
		big := 0.0
		for j := 0; j < d; j++ {
			comps[c][j] = vecs[j][order[c]]
			if math.Abs(comps[c][j]) > math.Abs(big) {
				big = comps[c][j]
			}
		}
		if big < 0 {
			for j := range comps[c] {
				comps[c][j] = -comps[c][j]
			}
		}
	}
	out := make([][]float32, n)
	for i, r := range rows {
		out[i] = make([]float32, k)
		for j := range c {
			c[j] = r[j] - mean[j]
		}
		for ci, comp := range comps {
			var s float64
			for j, v := range comp {
				s += v * c[j]
			}
			out[i][ci] = float32(s)
		}
	}
	return out
}

// jacobi diagonalises the symmetric matrix a (destroyed): eigenvalues and
// the eigenvectors as the columns of v.
func jacobi(a [][]float64) ([]float64, [][]float64) {
	d := len(a)
	v := make([][]float64, d)
	for i := range v {
		v[i] = make([]float64, d)
		v[i][i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off float64
		for i := 0; i < d; i++ {
			for j := i + 1; j < d; j++ {
				off += a[i][j] * a[i][j]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := 0; p < d; p++ {
			for q := p + 1; q < d; q++ {
				if math.Abs(a[p][q]) < 1e-300 {
					continue
				}
				theta := (a[q][q] - a[p][p]) / (2 * a[p][q])
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				cs := 1 / math.Sqrt(t*t+1)
				sn := t * cs
				for k := 0; k < d; k++ { // columns p, q
					akp, akq := a[k][p], a[k][q]
					a[k][p] = cs*akp - sn*akq
					a[k][q] = sn*akp + cs*akq
				}
				for k := 0; k < d; k++ { // rows p, q
					apk, aqk := a[p][k], a[q][k]
					a[p][k] = cs*apk - sn*aqk
					a[q][k] = sn*apk + cs*aqk
				}
				for k := 0; k < d; k++ {
					vkp, vkq := v[k][p], v[k][q]
					v[k][p] = cs*vkp - sn*vkq
					v[k][q] = sn*vkp + cs*vkq
				}
			}
		}
	}
	vals := make([]float64, d)
	for i := range vals {
		vals[i] = a[i][i]
	}
	return vals, v
}
