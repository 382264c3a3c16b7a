package jpegcm

// DC prediction from the continuity of the image across block edges.
//
// With the orthonormal 8×8 inverse DCT, the mean over the rows of a
// block's column x is F(0,0)/8 + Σ_{u=1..7} F(u,0)·cos((2x+1)uπ/16)/(4√2)
// (the vertical frequencies average out), and likewise the mean of row
// y over the columns with F(0,v). The boundary between the left
// neighbour and the block, estimated from each side by extrapolating its
// two nearest columns a quarter step towards it, should agree: that gives the block's
// F(0,0) from its own AC coefficients and the neighbour's whole first
// row of coefficients; the block above gives a second estimate through
// the rows. Everything is integer (Q16 table below), so encoder and
// decoder agree on every machine.

// edgeTab[i][u] = round(65536·cos((2x+1)uπ/16)/(4√2)) for x = 0, 1, 6, 7.
var edgeTab = [4][8]int64{
	{0, 11363, 10703, 9633, 8192, 6436, 4433, 2260},
	{0, 9633, 4433, -2260, -8192, -11363, -10703, -6436},
	{0, -9633, 4433, 2260, -8192, 11363, -10703, 6436},
	{0, -11363, 10703, -9633, 8192, -6436, 4433, -2260},
}

// natural indexes of F(u,0) and F(0,u) in zig-zag order
var rowK, colK [8]uint8

func init() {
	for u := range 8 {
		rowK[u] = unzig[u]   // horizontal frequency u, vertical 0
		colK[u] = unzig[u*8] // vertical frequency u
	}
}

// edgeMean returns the AC part of the mean of column (vertical = false)
// or row x (edgeTab row i), in Q16 pixel units.
func edgeMean(z []int16, q *[64]uint16, ks *[8]uint8, i int) int64 {
	var s int64
	for u := 1; u < 8; u++ {
		k := ks[u]
		s += int64(z[k]) * int64(q[k]) * edgeTab[i][u]
	}
	return s
}

// fromEdge predicts the block's DC (quantised) from neighbour n across
// the edge whose coefficients ks index (rowK: the left neighbour, colK:
// the one above).
func fromEdge(n, z []int16, q *[64]uint16, ks *[8]uint8) int64 {
	dcScale := int64(q[0]) * 8192 // F(0,0)/8 in Q16 per quantised DC step
	n7 := int64(n[0])*dcScale + edgeMean(n, q, ks, 3)
	n6 := int64(n[0])*dcScale + edgeMean(n, q, ks, 2)
	c0 := edgeMean(z, q, ks, 0)
	c1 := edgeMean(z, q, ks, 1)
	bn := 2*n7 + (n7-n6)/2 // twice the boundary seen from the neighbour
	bc := 2*c0 - (c1-c0)/2 // and from the block, without its DC
	d := 2 * dcScale
	num := bn - bc
	if num >= 0 {
		return (num + d/2) / d
	}
	return -((-num + d/2) / d)
}

// predictDC returns the block's predicted DC, the uncertainty bucket
// (0..11: bit length of the two estimates' difference; 12: one or no
// estimate) and which estimate is larger (0 equal or single, 1, 2).
func predictDC(bc *blockCtx, z []int16) (int32, int, int) {
	if bc.q[0] == 0 {
		return 0, 12, 0
	}
	var pred int64
	u, sh := 12, 0
	switch {
	case bc.l != nil && bc.a != nil:
		pl := fromEdge(bc.l, z, bc.q, &rowK)
		pa := fromEdge(bc.a, z, bc.q, &colK)
		pred = (pl + pa) >> 1
		d := pl - pa
		if d > 0 {
			sh = 1
		} else if d < 0 {
			sh = 2
			d = -d
		}
		u = min(bitlenU(uint64(d)), 11)
	case bc.l != nil:
		pred = fromEdge(bc.l, z, bc.q, &rowK)
	case bc.a != nil:
		pred = fromEdge(bc.a, z, bc.q, &colK)
	}
	return int32(min(max(pred, -32768), 32767)), u, sh
}

func bitlenU(v uint64) int {
	n := 0
	for v != 0 {
		v >>= 1
		n++
	}
	return n
}

// lineTab[i][f] = round(65536·α(f)·cos((2x+1)fπ/16)), α(0) = 1/(2√2),
// α(f) = 1/2, for the samples x = 0, 1, 6, 7 (i = 0..3): the weight of
// frequency f in the 1-D inverse DCT at the samples nearest an edge.
var lineTab = [4][8]int64{
	{23170, 32138, 30274, 27246, 23170, 18205, 12540, 6393},
	{23170, 27246, 12540, -6393, -23170, -32138, -30274, -18205},
	{23170, -27246, 12540, 6393, -23170, 32138, -30274, 18205},
	{23170, -32138, 30274, -27246, 23170, -18205, 12540, -6393},
}

// edgeGrad is the gradient extrapolation towards the edge, in quarters of
// the step between the two samples nearest it.
const edgeGrad = 1

// predictEdge predicts (quantised) the block's edge coefficient of
// frequency w on the edge shared with neighbour n: d = 0 the left edge,
// F(0,w) from the left neighbour's row w of coefficients; d = 1 the top
// edge, F(w,0) from the upper neighbour's column w. The 1-D inverse DCT
// across the edge of the frequency-w line, extrapolated from each side's
// two samples nearest the edge a quarter step towards it, should agree;
// every other coefficient of the block's line is interior and already
// known, and the unknown one weighs the same at every sample.
func predictEdge(n, z []int16, q *[64]uint16, d, w int) int32 {
	var n7, n6, c0, c1 int64
	for f := range 8 {
		var k int
		if d == 0 {
			k = int(unzig[w*8+f])
		} else {
			k = int(unzig[f*8+w])
		}
		nv := int64(n[k]) * int64(q[k])
		n7 += nv * lineTab[3][f]
		n6 += nv * lineTab[2][f]
		if f > 0 {
			cv := int64(z[k]) * int64(q[k])
			c0 += cv * lineTab[0][f]
			c1 += cv * lineTab[1][f]
		}
	}
	// 4·boundary: from the neighbour 4·n7 + g·(n7-n6); from the block
	// 4·(c0 + F·t) - g·(c1 - c0), t = lineTab[·][0].
	s := 4*n7 + edgeGrad*(n7-n6) - 4*c0 + edgeGrad*(c1-c0)
	k0 := int(unzig[w*8])
	if d == 1 {
		k0 = int(unzig[w])
	}
	div := 4 * lineTab[0][0] * int64(max(q[k0], 1))
	if s >= 0 {
		return int32(min((s+div/2)/div, 1<<20))
	}
	return -int32(min((-s+div/2)/div, 1<<20))
}
