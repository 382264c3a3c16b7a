package jpegcm

import (
	"math/bits"

	"github.com/dcar-archiver/dcar/format/jpegre"
)

// zigzag[k] is the natural (row-major, row = vertical frequency) index
// of the k-th coefficient in zig-zag order.
var zigzag = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

// unzig[n] is the zig-zag index of natural index n.
var unzig [64]uint8

// band[k] groups zig-zag positions into 10 frequency bands.
var band [64]uint8

func init() {
	for k, n := range zigzag {
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

func sign3(v int16) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return 2
	}
	return 0
}

// Model is the coefficient model: every decision's context tables and
// mixers. A Model codes one image; encoder and decoder build the same.
type Model struct {
	b bitCoder

	nzT  [3][]counter
	nzM  *mixer
	zT   [5][]counter
	zM   *mixer
	eT   [4][]counter
	eM   *mixer
	sT   [2][]counter
	sM   *mixer
	mT   [2][]counter
	mM   *mixer
	dzT  [3][]counter // DC residual: zero, sign, exponent, mantissa
	dsT  [2][]counter
	deT  [3][]counter
	dmT  [2][]counter
	dcM  *mixer
	prev [4]int // previous block's non-zero count per component
}

const (
	maxExp = 16 // exponents 1..15 of coefficient magnitudes
)

func newModel() *Model {
	m := &Model{}
	m.nzT[0] = newCounters(2 * nzBuckets * 64)
	m.nzT[1] = newCounters(2 * nzBuckets * nzBuckets * 64)
	m.nzT[2] = newCounters(2 * 64)
	m.nzM = newMixer(3, 2*6, 6)
	m.zT[0] = newCounters(2 * 64 * nzBuckets)
	m.zT[1] = newCounters(2 * 64 * 12)
	m.zT[2] = newCounters(2 * 64 * 8 * 8)
	m.zT[3] = newCounters(2 * nzBuckets * 12 * 10)
	m.zT[4] = newCounters(2 * 64 * 2 * 4)
	m.zM = newMixer(5, 2*64, 6)
	m.eT[0] = newCounters(2 * 10 * 12 * maxExp)
	m.eT[1] = newCounters(2 * 64 * maxExp)
	m.eT[2] = newCounters(2 * 10 * 8 * 8 * maxExp)
	m.eT[3] = newCounters(2 * nzBuckets * 10 * maxExp)
	m.eM = newMixer(4, 2*maxExp, 6)
	m.sT[0] = newCounters(2 * 64 * 9)
	m.sT[1] = newCounters(2 * 64)
	m.sM = newMixer(2, 2*64, 6)
	m.mT[0] = newCounters(2 * 10 * maxExp * maxExp)
	m.mT[1] = newCounters(2 * maxExp * maxExp * 12)
	m.mM = newMixer(2, 2*maxExp, 6)
	m.dzT[0] = newCounters(2 * 13 * nzBuckets)
	m.dzT[1] = newCounters(2 * 13)
	m.dzT[2] = newCounters(2 * nzBuckets)
	m.dsT[0] = newCounters(2 * 13 * 3)
	m.dsT[1] = newCounters(2)
	m.deT[0] = newCounters(2 * 13 * maxExp)
	m.deT[1] = newCounters(2 * nzBuckets * maxExp)
	m.deT[2] = newCounters(2 * maxExp)
	m.dmT[0] = newCounters(2 * maxExp * maxExp)
	m.dmT[1] = newCounters(2 * 13 * maxExp * maxExp)
	m.dcM = newMixer(3, 2*4*maxExp, 6)
	return m
}

// blockCtx is what a block's neighbours (left, above, above-left; nil
// when outside the grid) say about it.
type blockCtx struct {
	cc       int // component class: 0 the first component, 1 the others
	l, a, al []int16
	nzL, nzA int
	q        *[64]uint16
	ql, qa   int32 // DC quantisation steps (same table: q[0])
}

// codeImage codes (or, decoding, fills) every coefficient of img.
func (m *Model) codeImage(img *jpegre.Image) error {
	for ci := range img.Comps {
		c := &img.Comps[ci]
		cc := min(ci, 1)
		nz := make([]uint8, c.BW*c.BH)
		for by := range c.BH {
			for bx := range c.BW {
				i := by*c.BW + bx
				z := c.Coef[i*64 : i*64+64]
				bc := blockCtx{cc: cc, q: &c.Quant}
				if bx > 0 {
					bc.l = c.Coef[(i-1)*64 : i*64]
					bc.nzL = int(nz[i-1])
				}
				if by > 0 {
					bc.a = c.Coef[(i-c.BW)*64 : (i-c.BW+1)*64]
					bc.nzA = int(nz[i-c.BW])
					if bx > 0 {
						bc.al = c.Coef[(i-c.BW-1)*64 : (i-c.BW)*64]
					}
				}
				nz[i] = uint8(m.codeBlock(&bc, z, ci))
			}
		}
	}
	return nil
}

// codeBlock codes one block: the number of non-zero AC coefficients,
// the AC coefficients in zig-zag order until the last non-zero one, then
// the DC coefficient's difference from its prediction.
func (m *Model) codeBlock(bc *blockCtx, z []int16, ci int) int {
	b := &m.b
	cc := bc.cc
	enc := b.dec == nil
	// Non-zero count.
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
		for _, v := range z[1:] {
			if v != 0 {
				nz++
			}
		}
	}
	{
		c0 := (cc*nzBuckets + int(nzBucket[nzp])) * 64
		c1 := ((cc*nzBuckets+int(nzBucket[nzl]))*nzBuckets + int(nzBucket[nza])) * 64
		c2 := cc * 64
		t := 1
		for d := 5; d >= 0; d-- {
			b.ctx(&m.nzT[0][c0+t])
			b.ctx(&m.nzT[1][c1+t])
			b.ctx(&m.nzT[2][c2+t])
			y := b.code(nz>>d&1, m.nzM, cc*6+5-d)
			t = t<<1 | y
		}
		nz = t - 64
	}
	m.prev[ci] = nz
	// AC coefficients.
	left := nz
	for k := 1; k < 64 && left > 0; k++ {
		var av, lv, alv int16
		if bc.a != nil {
			av = bc.a[k]
		}
		if bc.l != nil {
			lv = bc.l[k]
		}
		if bc.al != nil {
			alv = bc.al[k]
		}
		_ = alv
		pm := int32(abs16(av)) + int32(abs16(lv))
		qpm := bitlen(pm, 11)
		ba, bl := bitlen(int32(av), 7), bitlen(int32(lv), 7)
		nb := int(nzBucket[left])
		v := z[k]
		nonzero := 1
		if 64-k > left { // otherwise every remaining coefficient is non-zero
			prevNZ := 0
			if z[k-1] != 0 && k > 1 {
				prevNZ = 1
			}
			b.ctx(&m.zT[0][(cc*64+k)*nzBuckets+nb])
			b.ctx(&m.zT[1][(cc*64+k)*12+qpm])
			b.ctx(&m.zT[2][((cc*64+k)*8+ba)*8+bl])
			b.ctx(&m.zT[3][((cc*nzBuckets+nb)*12+qpm)*10+int(band[k])])
			b.ctx(&m.zT[4][((cc*64+k)*2+prevNZ)*4+min(nb, 3)])
			y := 0
			if v != 0 {
				y = 1
			}
			nonzero = b.code(y, m.zM, cc*64+k)
		}
		if nonzero == 0 {
			if !enc {
				z[k] = 0
			}
			continue
		}
		left--
		// Magnitude: the exponent in unary, then the bits below the top.
		mag := int32(abs16(v))
		e := bitlen(mag, 15)
		kb := int(band[k])
		j := 1
		for ; j < 15; j++ {
			b.ctx(&m.eT[0][((cc*10+kb)*12+qpm)*maxExp+j])
			b.ctx(&m.eT[1][(cc*64+k)*maxExp+j])
			b.ctx(&m.eT[2][(((cc*10+kb)*8+ba)*8+bl)*maxExp+j])
			b.ctx(&m.eT[3][((cc*nzBuckets+nb)*10+kb)*maxExp+j])
			y := 0
			if e > j {
				y = 1
			}
			if b.code(y, m.eM, cc*maxExp+j) == 0 {
				break
			}
		}
		e = j
		r := int32(1)
		for i := e - 2; i >= 0; i-- {
			b.ctx(&m.mT[0][((cc*10+kb)*maxExp+e)*maxExp+i])
			b.ctx(&m.mT[1][((cc*maxExp+e)*maxExp+i)*12+qpm])
			r = r<<1 | int32(b.code(int(mag>>i&1), m.mM, cc*maxExp+e))
		}
		// Sign.
		b.ctx(&m.sT[0][(cc*64+k)*9+sign3(av)*3+sign3(lv)])
		b.ctx(&m.sT[1][cc*64+k])
		neg := 0
		if v < 0 {
			neg = 1
		}
		if b.code(neg, m.sM, cc*64+k) == 1 {
			r = -r
		}
		if !enc {
			z[k] = int16(r)
		}
	}
	// DC.
	pred, u, sh := predictDC(bc, z)
	nb := int(nzBucket[nz])
	var res int32
	if enc {
		res = int32(z[0]) - pred
	}
	b.ctx(&m.dzT[0][(cc*13+u)*nzBuckets+nb])
	b.ctx(&m.dzT[1][cc*13+u])
	b.ctx(&m.dzT[2][cc*nzBuckets+nb])
	y := 0
	if res != 0 {
		y = 1
	}
	if b.code(y, m.dcM, cc*4*maxExp) == 1 {
		mag := res
		if mag < 0 {
			mag = -mag
		}
		e := bitlen(mag, 16)
		j := 1
		for ; j < 16; j++ {
			b.ctx(&m.deT[0][(cc*13+u)*maxExp+min(j, maxExp-1)])
			b.ctx(&m.deT[1][(cc*nzBuckets+nb)*maxExp+min(j, maxExp-1)])
			b.ctx(&m.deT[2][cc*maxExp+min(j, maxExp-1)])
			yy := 0
			if e > j {
				yy = 1
			}
			if b.code(yy, m.dcM, (cc*4+1)*maxExp+min(j, maxExp-1)) == 0 {
				break
			}
		}
		e = j
		r := int32(1)
		for i := e - 2; i >= 0; i-- {
			ee := min(e, maxExp-1)
			b.ctx(&m.dmT[0][(cc*maxExp+ee)*maxExp+min(i, maxExp-1)])
			b.ctx(&m.dmT[1][((cc*13+u)*maxExp+ee)*maxExp+min(i, maxExp-1)])
			r = r<<1 | int32(b.code(int(mag>>i&1), m.dcM, (cc*4+2)*maxExp+ee))
		}
		b.ctx(&m.dsT[0][(cc*13+u)*3+sh])
		b.ctx(&m.dsT[1][cc])
		neg := 0
		if res < 0 {
			neg = 1
		}
		if b.code(neg, m.dcM, (cc*4+3)*maxExp) == 1 {
			r = -r
		}
		res = r
	}
	if !enc {
		z[0] = int16(pred + res)
	}
	return nz
}

func abs16(v int16) int16 {
	if v < 0 {
		return -v
	}
	return v
}
