package jpegcm

import (
	"math/bits"

	"github.com/dcar-archiver/dcar/format/jpegre"
	"github.com/dcar-archiver/dcar/internal/cacheline"
	"github.com/dcar-archiver/dcar/model/cm"
)

// unzig[n] is the zig-zag index of natural index n.
var unzig [64]uint8

// band[k] groups zig-zag positions into 10 frequency bands.
var band [64]uint8

func init() {
	for k, n := range jpegre.ZigZag {
		unzig[n] = uint8(k)
	}
	edges := []int{1, 2, 3, 6, 10, 15, 21, 28, 36, 64}
	b := 0
	for k := range 64 {
		for k >= edges[b] {
			b++
		}
		band[k] = uint8(b)
	}
}

// nzBucket maps a count of non-zero coefficients (0..63) to 14 buckets.
var nzBucket [64]uint8

func init() {
	edges := []int{1, 2, 3, 4, 5, 7, 9, 12, 16, 21, 28, 37, 48, 64}
	b := 0
	for n := range 64 {
		for n >= edges[b] {
			b++
		}
		nzBucket[n] = uint8(b)
	}
}

const nzBuckets = 14

// bitlen is the number of bits of |v|, at most lim.
func bitlen(v int32, lim int) int {
	if v < 0 {
		v = -v
	}
	return min(bits.Len32(uint32(v)), lim)
}

// sign3 is 0 for 0, 1 for a positive v, 2 for a negative one.
func sign3[T int16 | int32](v T) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return 2
	}
	return 0
}

// Positions of the coefficients in a block, in coding order: the 49
// interior ones (u, v >= 1) in zig-zag order, then the left edge column
// F(0,v) and the top edge row F(u,0), each v or u = 1..7.
type interiorPos struct {
	k      uint8 // zig-zag index
	band   uint8
	fl, fa int8 // zig-zag index of F(u-1,v) and F(u,v-1) when interior, else -1
}

var interior [49]interiorPos

func init() {
	i := 0
	for k, n := range jpegre.ZigZag {
		u, v := int(n%8), int(n/8)
		if u == 0 || v == 0 {
			continue
		}
		p := interiorPos{k: uint8(k), band: band[k], fl: -1, fa: -1}
		if u >= 2 {
			p.fl = int8(unzig[n-1])
		}
		if v >= 2 {
			p.fa = int8(unzig[n-8])
		}
		interior[i] = p
		i++
	}
}

const (
	nInterior = 49
	nEdge     = 14 // 7 left-column + 7 top-row positions
	maxExp    = 16 // unary exponent decisions j = 1..15
)

// Model is the coefficient model: every decision's context tables and
// mixers. A Model codes one image; encoder and decoder build the same.
type Model struct {
	b cm.Coder

	nzT  [3]cm.Table // interior non-zero count
	nzM  *cm.Mixer
	zT   [8]cm.Table // interior: zero flag, exponent, mantissa, sign
	zM   *cm.Mixer
	eT   [7]cm.Table
	eM   *cm.Mixer
	mT   [2]cm.Table
	mM   *cm.Mixer
	sT   [4]cm.Table
	sM   *cm.Mixer
	ezT  [6]cm.Table // edges
	ezM  *cm.Mixer
	eeT  [5]cm.Table
	eeM  *cm.Mixer
	emT  [2]cm.Table
	emM  *cm.Mixer
	esT  [4]cm.Table
	esM  *cm.Mixer
	dzT  [4]cm.Table // DC residual: zero, sign, exponent, mantissa
	dsT  [3]cm.Table
	deT  [4]cm.Table
	dmT  [2]cm.Table
	dcM  *cm.Mixer
	zM2  *cm.Mixer // second weight sets: interior zero flags, exponents; edge zero flags, exponents
	eM2  *cm.Mixer
	ezM2 *cm.Mixer
	eeM2 *cm.Mixer
	zA   *cm.APM // refine interior zero flags, exponents; edge zero flags
	eA   *cm.APM
	ezA  *cm.APM

	prev    [4]int // previous block's interior non-zero count per component
	lastRes int32  // the last block's DC difference
}

func newModel() *Model {
	m := cacheline.New[Model]() // written at every decision (cacheline)
	defer m.b.AllocDone()
	m.nzT[0] = m.b.Alloc(2 * nzBuckets * 64)
	m.nzT[1] = m.b.Alloc(2 * nzBuckets * nzBuckets * 64)
	m.nzT[2] = m.b.Alloc((nzBuckets + 1) * (nzBuckets + 1) * 64)
	m.nzM = cm.NewMixer(3, 2*6, 12)
	m.zT[0] = m.b.Alloc(2 * nInterior * nzBuckets)
	m.zT[1] = m.b.Alloc(2 * nInterior * 12)
	m.zT[2] = m.b.Alloc(2 * nInterior * 8 * 8)
	m.zT[3] = m.b.Alloc(2 * nzBuckets * 12 * 10)
	m.zT[4] = m.b.Alloc(2 * nInterior * 8 * 4)
	m.zT[5] = m.b.Alloc((nzBuckets + 1) * nInterior * nzBuckets)
	m.zT[6] = m.b.Alloc(2 * nInterior * 8 * 4)
	m.zT[7] = m.b.Alloc(nInterior * 9 * 4)
	m.zM = cm.NewMixer(8, 2*nInterior, 12)
	m.eT[0] = m.b.Alloc(2 * 10 * 12 * maxExp)
	m.eT[1] = m.b.Alloc(2 * nInterior * maxExp)
	m.eT[2] = m.b.Alloc(2 * 10 * 8 * 8 * maxExp)
	m.eT[3] = m.b.Alloc(2 * nzBuckets * 10 * maxExp)
	m.eT[4] = m.b.Alloc(2 * 10 * 8 * maxExp)
	m.eT[5] = m.b.Alloc(2 * 10 * 8 * maxExp)
	m.eT[6] = m.b.Alloc(10 * 9 * maxExp)
	m.eM = cm.NewMixer(7, 2*maxExp, 12)
	m.mT[0] = m.b.Alloc(2 * 10 * maxExp * maxExp)
	m.mT[1] = m.b.Alloc(2 * maxExp * maxExp * 12)
	m.mM = cm.NewMixer(2, 2*maxExp, 12)
	m.sT[0] = m.b.Alloc(2 * nInterior * 9)
	m.sT[1] = m.b.Alloc(2 * nInterior)
	m.sT[2] = m.b.Alloc(nInterior * 3 * 8)
	m.sT[3] = m.b.Alloc(nInterior * 3 * 9)
	m.sM = cm.NewMixer(4, 2*nInterior, 12)
	m.ezT[0] = m.b.Alloc(2 * nEdge * 12)
	m.ezT[1] = m.b.Alloc(2 * nEdge * nzBuckets)
	m.ezT[2] = m.b.Alloc(2 * nEdge * 8 * 8)
	m.ezT[3] = m.b.Alloc(2 * nEdge * 2 * 6)
	m.ezT[4] = m.b.Alloc(nEdge * 8 * 8)
	m.ezT[5] = m.b.Alloc(nEdge * 9 * 8)
	m.ezM = cm.NewMixer(6, 2*nEdge, 12)
	m.eeT[0] = m.b.Alloc(2 * nEdge * 12 * maxExp)
	m.eeT[1] = m.b.Alloc(2 * nEdge * nzBuckets * maxExp)
	m.eeT[2] = m.b.Alloc(2 * nEdge * 8 * maxExp)
	m.eeT[3] = m.b.Alloc(nEdge * 8 * maxExp)
	m.eeT[4] = m.b.Alloc(nEdge * 9 * maxExp)
	m.eeM = cm.NewMixer(5, 2*maxExp, 12)
	m.emT[0] = m.b.Alloc(2 * nEdge * maxExp * maxExp)
	m.emT[1] = m.b.Alloc(2 * maxExp * maxExp * 12 * 4)
	m.emM = cm.NewMixer(2, 2*maxExp, 12)
	m.esT[0] = m.b.Alloc(2 * nEdge * 3 * 8)
	m.esT[1] = m.b.Alloc(2 * nEdge * 3)
	m.esT[2] = m.b.Alloc(nEdge * 3 * 8)
	m.esT[3] = m.b.Alloc(nEdge * 3 * 9)
	m.esM = cm.NewMixer(4, 2*nEdge, 12)
	m.dzT[0] = m.b.Alloc(2 * 13 * nzBuckets)
	m.dzT[1] = m.b.Alloc(2 * 13)
	m.dzT[2] = m.b.Alloc(2 * nzBuckets)
	m.dsT[0] = m.b.Alloc(2 * 13 * 3)
	m.dsT[1] = m.b.Alloc(2)
	m.deT[0] = m.b.Alloc(2 * 13 * maxExp)
	m.deT[1] = m.b.Alloc(2 * nzBuckets * maxExp)
	m.deT[2] = m.b.Alloc(2 * maxExp)
	m.dmT[0] = m.b.Alloc(2 * maxExp * maxExp)
	m.dmT[1] = m.b.Alloc(2 * 13 * maxExp * maxExp)
	m.dzT[3] = m.b.Alloc(12 * 13)
	m.deT[3] = m.b.Alloc(12 * maxExp)
	m.dsT[2] = m.b.Alloc(3 * 12)
	m.dcM = cm.NewMixer(4, 2*4*maxExp, 12)
	m.zM2 = cm.NewMixer(8, 2*nzBuckets*12, 12)
	m.eM2 = cm.NewMixer(7, 2*maxExp*12, 12)
	m.ezM2 = cm.NewMixer(6, 2*nzBuckets*12, 12)
	m.eeM2 = cm.NewMixer(5, 2*maxExp*12, 12)
	m.zA = cm.NewAPM(2 * nInterior * nzBuckets)
	m.eA = cm.NewAPM(2 * 10 * maxExp * 12)
	m.ezA = cm.NewAPM(2 * nEdge * 12)
	return m
}

// cross returns what the components coded before say about coefficient
// k of a chroma block: the bucketed magnitude and the sign of the second
// component's coefficient at the same place (bx 0: none), and the
// bucketed mean magnitude and summed sign of the co-located luma blocks'
// (by 0: none).
func (bc *blockCtx) cross(k uint8) (bx, xs, by, ys int) {
	if bc.x != nil {
		bx, xs = 1+bitlen(int32(bc.x[k]), 6), sign3(bc.x[k])
	}
	if bc.hasY {
		by = 1 + bitlen(bc.ymag[k], 7)
	}
	return bx, xs, by, sign3(bc.ysum[k])
}

// blockCtx is what a block's neighbours (left, above, above-left; nil
// when outside the grid) say about it.
type blockCtx struct {
	cc       int // component class: 0 the first component, 1 the others
	l, a, al []int16
	nzL, nzA int       // their interior non-zero counts
	lum      int       // chroma: the co-located luma blocks' mean interior non-zero count, bucketed + 1; 0 for luma
	x        []int16   // the third component: the second's block at the same place (nil otherwise)
	nzX      int       // its interior non-zero count
	xres     int32     // and the difference of its DC from its prediction
	ymag     [64]int32 // chroma: the co-located luma blocks' mean magnitude of each coefficient
	ysum     [64]int32 // and their sum
	hasY     bool
	q        *[64]uint16
}

// mcuRows is the number of MCU rows of img.
func mcuRows(img *jpegre.Image) int {
	c := img.Comps[0]
	return c.BH / max(c.V, 1)
}

// codeRows codes the blocks of MCU rows [lo, hi) of every component as
// if they were the whole image: nothing outside them is read, so parts
// of an image can be coded at once, each with its own Model.
func (m *Model) codeRows(img *jpegre.Image, lo, hi int) error {
	var lnz []uint8  // the first component's counts
	var xnz []uint8  // the second's
	var xres []int32 // the second's DC differences
	for ci := range img.Comps {
		c := &img.Comps[ci]
		cc := min(ci, 1)
		nz := make([]uint8, c.BW*c.BH)
		switch ci {
		case 0:
			lnz = nz
		case 1:
			xnz = nz
			xres = make([]int32, len(nz))
		}
		var xc *jpegre.Component
		if ci == 2 && img.Comps[1].BW == c.BW && img.Comps[1].BH == c.BH {
			xc = &img.Comps[1]
		}
		l := &img.Comps[0]
		sx, sy := max(l.H/c.H, 1), max(l.V/c.V, 1)
		top, bottom := lo*c.V, min(hi*c.V, c.BH) // this part's block rows
		ltop, lbottom := lo*l.V, min(hi*l.V, l.BH)
		for by := top; by < bottom; by++ {
			for bx := range c.BW {
				i := by*c.BW + bx
				z := c.Coef[i*64 : i*64+64]
				bc := blockCtx{cc: cc, q: &c.Quant}
				if ci > 0 {
					t, n := 0, 0
					for y := max(by*sy, ltop); y < min(by*sy+sy, lbottom); y++ {
						for x := bx * sx; x < min(bx*sx+sx, l.BW); x++ {
							j := y*l.BW + x
							t += int(lnz[j])
							n++
							for k, v := range l.Coef[j*64 : j*64+64] {
								bc.ymag[k] += int32(abs(v))
								bc.ysum[k] += int32(v)
							}
						}
					}
					if n > 0 {
						for k := range bc.ymag {
							bc.ymag[k] /= int32(n)
						}
						bc.hasY = true
						bc.lum = 1 + int(nzBucket[(t+n/2)/n])
					}
				}
				if bx > 0 {
					bc.l = c.Coef[(i-1)*64 : i*64]
					bc.nzL = int(nz[i-1])
				}
				if by > top {
					bc.a = c.Coef[(i-c.BW)*64 : (i-c.BW+1)*64]
					bc.nzA = int(nz[i-c.BW])
					if bx > 0 {
						bc.al = c.Coef[(i-c.BW-1)*64 : (i-c.BW)*64]
					}
				}
				if xc != nil {
					bc.x = xc.Coef[i*64 : i*64+64]
					bc.nzX = int(xnz[i])
					bc.xres = xres[i]
				}
				nz[i] = uint8(m.codeBlock(&bc, z, ci))
				if ci == 1 {
					xres[i] = m.lastRes
				}
			}
		}
	}
	return nil
}

// magnitude codes |v| >= 1 (ignored when decoding) as its bit length e in
// unary (decisions "e > j", contexts from ectx(j)), then the bits below
// the top one (contexts from mctx(e, i)).
func (m *Model) magnitude(v int32, em *cm.Mixer, esel int, ectx func(j int), mm *cm.Mixer, msel int, mctx func(e, i int)) int32 {
	b := &m.b
	e := bitlen(v, 15)
	j := 1
	for ; j < 15; j++ {
		ectx(j)
		y := 0
		if e > j {
			y = 1
		}
		if b.Code(y, em, esel+j) == 0 {
			break
		}
	}
	e = j
	r := int32(1)
	for i := e - 2; i >= 0; i-- {
		mctx(e, i)
		r = r<<1 | int32(b.Code(int(v>>i&1), mm, msel+e))
	}
	return r
}

// codeBlock codes one block: the number of non-zero interior
// coefficients, the interior ones in zig-zag order until the last
// non-zero one, the two edges predicted from the neighbours across them,
// then the DC coefficient's difference from its prediction. It returns
// the interior non-zero count.
func (m *Model) codeBlock(bc *blockCtx, z []int16, ci int) int {
	b := &m.b
	cc := bc.cc
	enc := b.Dec == nil
	// Interior non-zero count.
	nzp := 0
	switch {
	case bc.l != nil && bc.a != nil:
		nzp = (bc.nzL + bc.nzA + 1) / 2
	case bc.l != nil:
		nzp = bc.nzL
	case bc.a != nil:
		nzp = bc.nzA
	default:
		nzp = m.prev[ci]
	}
	nzl, nza := bc.nzL, bc.nzA
	if bc.l == nil {
		nzl = nzp
	}
	if bc.a == nil {
		nza = nzp
	}
	nz := 0
	if enc {
		for _, p := range interior {
			if z[p.k] != 0 {
				nz++
			}
		}
	}
	{
		c0 := (cc*nzBuckets + int(nzBucket[nzp])) * 64
		c1 := ((cc*nzBuckets+int(nzBucket[nzl]))*nzBuckets + int(nzBucket[nza])) * 64
		xb := 0
		if bc.x != nil {
			xb = 1 + int(nzBucket[bc.nzX])
		}
		c2 := (bc.lum*(nzBuckets+1) + xb) * 64
		t := 1
		for d := 5; d >= 0; d-- {
			b.Ctx(m.nzT[0], c0+t)
			b.Ctx(m.nzT[1], c1+t)
			b.Ctx(m.nzT[2], c2+t)
			y := b.Code(nz>>d&1, m.nzM, cc*6+5-d)
			t = t<<1 | y
		}
		nz = min(t-64, nInterior) // a decoder may read more from a corrupt stream
	}
	m.prev[ci] = nz
	// Interior coefficients.
	left := nz
	for i := 0; i < nInterior && left > 0; i++ {
		p := interior[i]
		k := p.k
		var av, lv int16
		if bc.a != nil {
			av = bc.a[k]
		}
		if bc.l != nil {
			lv = bc.l[k]
		}
		pm := int32(abs(av)) + int32(abs(lv))
		qpm := bitlen(pm, 11)
		ba, bl := bitlen(int32(av), 7), bitlen(int32(lv), 7)
		fq := int32(0)
		if p.fl >= 0 {
			fq += int32(abs(z[p.fl]))
		}
		if p.fa >= 0 {
			fq += int32(abs(z[p.fa]))
		}
		bf := bitlen(fq, 7)
		bx, xs, by, ys := bc.cross(k)
		nb := int(nzBucket[left])
		kb := int(p.band)
		v := z[k]
		nonzero := 1
		if nInterior-i > left { // else every remaining one is non-zero
			b.Ctx(m.zT[0], (cc*nInterior+i)*nzBuckets+nb)
			b.Ctx(m.zT[1], (cc*nInterior+i)*12+qpm)
			b.Ctx(m.zT[2], ((cc*nInterior+i)*8+ba)*8+bl)
			b.Ctx(m.zT[3], ((cc*nzBuckets+nb)*12+qpm)*10+kb)
			b.Ctx(m.zT[4], ((cc*nInterior+i)*8+bf)*4+min(nb, 3))
			b.Ctx(m.zT[5], (bc.lum*nInterior+i)*nzBuckets+nb)
			b.Ctx(m.zT[6], ((cc*nInterior+i)*8+bx)*4+min(nb, 3))
			b.Ctx(m.zT[7], (i*9+by)*4+min(nb, 3))
			y := 0
			if v != 0 {
				y = 1
			}
			b.SSE(m.zA, (cc*nInterior+i)*nzBuckets+nb)
			b.Also(m.zM2, (cc*nzBuckets+nb)*12+qpm)
			nonzero = b.Code(y, m.zM, cc*nInterior+i)
		}
		if nonzero == 0 {
			continue
		}
		left--
		r := m.magnitude(int32(abs(v)), m.eM, cc*maxExp, func(j int) {
			b.Ctx(m.eT[0], ((cc*10+kb)*12+qpm)*maxExp+j)
			b.Ctx(m.eT[1], (cc*nInterior+i)*maxExp+j)
			b.Ctx(m.eT[2], (((cc*10+kb)*8+ba)*8+bl)*maxExp+j)
			b.Ctx(m.eT[3], ((cc*nzBuckets+nb)*10+kb)*maxExp+j)
			b.Ctx(m.eT[4], ((cc*10+kb)*8+bf)*maxExp+j)
			b.Ctx(m.eT[5], ((cc*10+kb)*8+bx)*maxExp+j)
			b.Ctx(m.eT[6], (kb*9+by)*maxExp+j)
			b.SSE(m.eA, ((cc*10+kb)*maxExp+j)*12+qpm)
			b.Also(m.eM2, (cc*maxExp+j)*12+qpm)
		}, m.mM, cc*maxExp, func(e, j int) {
			b.Ctx(m.mT[0], ((cc*10+kb)*maxExp+e)*maxExp+j)
			b.Ctx(m.mT[1], ((cc*maxExp+e)*maxExp+j)*12+qpm)
		})
		b.Ctx(m.sT[0], (cc*nInterior+i)*9+sign3(av)*3+sign3(lv))
		b.Ctx(m.sT[1], cc*nInterior+i)
		b.Ctx(m.sT[2], (i*3+xs)*8+bx)
		b.Ctx(m.sT[3], (i*3+ys)*9+by)
		if b.Code(negative(v), m.sM, cc*nInterior+i) == 1 {
			r = -r
		}
		if !enc {
			z[k] = int16(r)
		}
	}
	// Edges: the left column from the left neighbour, the top row from
	// the one above.
	enz := 0
	nb7 := int(nzBucket[nz])
	for d := range 2 {
		n, ks := bc.l, &colK
		if d == 1 {
			n, ks = bc.a, &rowK
		}
		prevZero := 1
		for u := 1; u < 8; u++ {
			e := d*7 + u - 1
			k := ks[u]
			qp, sp := 11, 0
			bn := 0
			apq := int32(0)
			if n != nil {
				pq := predictEdge(n, z, bc.q, d, u)
				apq = abs(pq)
				qp, sp = bitlen(pq, 10), sign3(pq)
				bn = bitlen(int32(n[k]), 7)
			}
			v := z[k]
			b.Ctx(m.ezT[0], (cc*nEdge+e)*12+qp)
			b.Ctx(m.ezT[1], (cc*nEdge+e)*nzBuckets+nb7)
			b.Ctx(m.ezT[2], ((cc*nEdge+e)*8+bn)*8+min(qp, 7))
			b.Ctx(m.ezT[3], ((cc*nEdge+e)*2+prevZero)*6+min(qp/2, 5))
			bx, xs, by, ys := bc.cross(k)
			b.Ctx(m.ezT[4], (e*8+bx)*8+min(qp, 7))
			b.Ctx(m.ezT[5], (e*9+by)*8+min(qp, 7))
			y := 0
			if v != 0 {
				y = 1
			}
			b.SSE(m.ezA, (cc*nEdge+e)*12+qp)
			b.Also(m.ezM2, (cc*nzBuckets+nb7)*12+qp)
			if b.Code(y, m.ezM, cc*nEdge+e) == 0 {
				prevZero = 1
				continue
			}
			prevZero = 0
			enz++
			r := m.magnitude(int32(abs(v)), m.eeM, cc*maxExp, func(j int) {
				b.Ctx(m.eeT[0], ((cc*nEdge+e)*12+qp)*maxExp+j)
				b.Ctx(m.eeT[1], ((cc*nEdge+e)*nzBuckets+nb7)*maxExp+j)
				b.Ctx(m.eeT[2], ((cc*nEdge+e)*8+bn)*maxExp+j)
				b.Ctx(m.eeT[3], (e*8+bx)*maxExp+j)
				b.Ctx(m.eeT[4], (e*9+by)*maxExp+j)
				b.Also(m.eeM2, (cc*maxExp+j)*12+qp)
			}, m.emM, cc*maxExp, func(ex, j int) {
				b.Ctx(m.emT[0], ((cc*nEdge+e)*maxExp+ex)*maxExp+j)
				hint := 2
				if qp == ex {
					hint = int(apq >> j & 1)
				} else if qp > ex {
					hint = 3
				}
				b.Ctx(m.emT[1], (((cc*maxExp+ex)*maxExp+j)*12+qp)*4+hint)
			})
			var ns int16
			if n != nil {
				ns = n[k]
			}
			b.Ctx(m.esT[0], ((cc*nEdge+e)*3+sp)*8+min(qp, 7))
			b.Ctx(m.esT[1], (cc*nEdge+e)*3+sign3(ns))
			b.Ctx(m.esT[2], (e*3+xs)*8+bx)
			b.Ctx(m.esT[3], (e*3+ys)*9+by)
			if b.Code(negative(v), m.esM, cc*nEdge+e) == 1 {
				r = -r
			}
			if !enc {
				z[k] = int16(r)
			}
		}
	}
	// DC.
	pred, u, sh := predictDC(bc, z)
	nb := int(nzBucket[min(nz+enz, 63)])
	var res int32
	if enc {
		res = int32(z[0]) - pred
	}
	b.Ctx(m.dzT[0], (cc*13+u)*nzBuckets+nb)
	b.Ctx(m.dzT[1], cc*13+u)
	b.Ctx(m.dzT[2], cc*nzBuckets+nb)
	xb, xs := 0, 0
	if bc.x != nil {
		xb, xs = 1+bitlen(bc.xres, 10), sign3(bc.xres)
	}
	b.Ctx(m.dzT[3], xb*13+u)
	y := 0
	if res != 0 {
		y = 1
	}
	if b.Code(y, m.dcM, cc*4*maxExp) == 1 {
		r := m.magnitude(abs(res), m.dcM, (cc*4+1)*maxExp, func(j int) {
			b.Ctx(m.deT[0], (cc*13+u)*maxExp+j)
			b.Ctx(m.deT[1], (cc*nzBuckets+nb)*maxExp+j)
			b.Ctx(m.deT[2], cc*maxExp+j)
			b.Ctx(m.deT[3], xb*maxExp+j)
		}, m.dcM, (cc*4+2)*maxExp, func(e, j int) {
			b.Ctx(m.dmT[0], (cc*maxExp+e)*maxExp+j)
			b.Ctx(m.dmT[1], ((cc*13+u)*maxExp+e)*maxExp+j)
		})
		b.Ctx(m.dsT[0], (cc*13+u)*3+sh)
		b.Ctx(m.dsT[1], cc)
		b.Ctx(m.dsT[2], xs*12+xb)
		if b.Code(negative(res), m.dcM, (cc*4+3)*maxExp) == 1 {
			r = -r
		}
		res = r
	}
	m.lastRes = res
	if !enc {
		z[0] = int16(pred + res)
	}
	return nz
}

// negative is 1 for a negative v, else 0.
func negative[T int16 | int32](v T) int {
	if v < 0 {
		return 1
	}
	return 0
}

func abs[T int16 | int32](v T) T {
	if v < 0 {
		return -v
	}
	return v
}
