package kernel

// Portable Go reference implementations of the integer products. They
// define the results; the assembly in int8_amd64.s must match them bit for
// bit. Used on every architecture other than amd64, with -tags purego, and
// by the tests everywhere.

// matVecU8S8Generic is the reference int8 matrix-vector product.
func matVecU8S8Generic(y []int32, w []int8, x []uint8, rows, cols int) {
	for i := 0; i < rows; i++ {
		y[i] = dotU8S8(w[i*cols:i*cols+cols], x)
	}
}

// dotU8S8 returns Σ w[j]·x[j] (int32, wrap-around) over len(w) <= len(x).
func dotU8S8(w []int8, x []uint8) int32 {
	x = x[:len(w)]
	var s0, s1, s2, s3 int32
	j := 0
	for ; j+4 <= len(w); j += 4 {
		s0 += int32(w[j]) * int32(x[j])
		s1 += int32(w[j+1]) * int32(x[j+1])
		s2 += int32(w[j+2]) * int32(x[j+2])
		s3 += int32(w[j+3]) * int32(x[j+3])
	}
	for ; j < len(w); j++ {
		s0 += int32(w[j]) * int32(x[j])
	}
	return s0 + s1 + s2 + s3
}

// matVecS16Generic is the reference int16 matrix-vector product.
func matVecS16Generic(y []int32, w []int16, x []int16, rows, cols int) {
	for i := 0; i < rows; i++ {
		y[i] = dotS16(w[i*cols:i*cols+cols], x)
	}
}

// dotS16 returns Σ w[j]·x[j] (int32, wrap-around) over len(w) <= len(x).
func dotS16(w []int16, x []int16) int32 {
	x = x[:len(w)]
	var s0, s1, s2, s3 int32
	j := 0
	for ; j+4 <= len(w); j += 4 {
		s0 += int32(w[j]) * int32(x[j])
		s1 += int32(w[j+1]) * int32(x[j+1])
		s2 += int32(w[j+2]) * int32(x[j+2])
		s3 += int32(w[j+3]) * int32(x[j+3])
	}
	for ; j < len(w); j++ {
		s0 += int32(w[j]) * int32(x[j])
	}
	return s0 + s1 + s2 + s3
}

// gemmU8S8Generic is the reference batched product, reading the packed
// layout directly: for each panel and stream it accumulates 32 outputs.
func gemmU8S8Generic(y []int32, x []uint8, batch int, p *PackedInt8) {
	n, k := p.n, p.k
	var acc [panelCols]int32
	for j := 0; j < p.panels; j++ {
		pw := p.panel(j)
		cols := min(panelCols, n-j*panelCols)
		for b := 0; b < batch; b++ {
			xr := x[b*k : b*k+k]
			acc = [panelCols]int32{}
			g := 0
			for ; (g+1)*groupK <= k; g++ {
				x0, x1 := int32(xr[g*groupK]), int32(xr[g*groupK+1])
				x2, x3 := int32(xr[g*groupK+2]), int32(xr[g*groupK+3])
				gw := pw[g*panelGroup : g*panelGroup+panelGroup]
				for c := range acc {
					q := gw[c*groupK : c*groupK+groupK]
					acc[c] += int32(q[0])*x0 + int32(q[1])*x1 + int32(q[2])*x2 + int32(q[3])*x3
				}
			}
			if g < p.groups { // partial last group: the padding weights are zero
				gw := pw[g*panelGroup : g*panelGroup+panelGroup]
				for t := g * groupK; t < k; t++ {
					xt := int32(xr[t])
					for c := range acc {
						acc[c] += int32(gw[c*groupK+t-g*groupK]) * xt
					}
				}
			}
			copy(y[b*n+j*panelCols:b*n+j*panelCols+cols], acc[:cols])
		}
	}
}
