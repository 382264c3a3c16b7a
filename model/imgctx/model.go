package imgctx

import "github.com/dcar-archiver/dcar/model/kernel"

var lsBoost uint = 3 // the LS weight is multiplied by 8 in the blend

const (
	numBuckets    = 32
	numBiasCtx    = 16 * 16
	numShapeCtx   = 8
	shapeBins     = 256 // bins -128..127 of width Scale/8
	shapeCenter   = 128
	shapeInvSh    = 16
	shapeTail     = 23 // logit slope (Q8 log2) per bin beyond the table
	shapeInc      = 1 << 10
	scaleRate     = 5
	biasRate      = 5
	minScale      = 4 // Q4: a quarter of a level
	shapePeakBits = 16
)

// kernel.ShapeLogits renders 256 bins centred at 128, the bin of a value
// being acc >> 16: the constants above must agree.
const _ = uint(shapeBins-256) + uint(256-shapeBins) + uint(shapeCenter-128) + uint(128-shapeCenter) + uint(shapeInvSh-16) + uint(16-shapeInvSh)

// shapeTable is an adaptive histogram of the normalised error
// u = (16*v - Blend)/Scale in bins of 1/8 Scale; its logits are
// round(256*log2(count)), kept in step with the counts.
type shapeTable struct {
	cnt   [shapeBins]uint32
	logit [shapeBins]int32
	total uint32
}

// laplaceStep is round(2^30 * 2^(-46/256)): the Laplace prior with mean
// absolute error Scale falls by 46/256 bits per bin of Scale/8.
const laplaceStep = 948000448

func (t *shapeTable) init() {
	t.total = 0
	c := uint64(1<<shapePeakBits) << 16 // Q16
	for k := 0; k < shapeCenter; k++ {
		v := uint32((c + 1<<15) >> 16)
		if v < 1 {
			v = 1
		}
		t.cnt[shapeCenter+k] = v
		t.cnt[shapeCenter-1-k] = v
		t.total += 2 * v
		c = c * laplaceStep >> 30
	}
	for i := range t.cnt {
		t.logit[i] = Log2Q8(t.cnt[i])
	}
}

func (t *shapeTable) add(b int, lim uint32) {
	t.cnt[b] += shapeInc
	t.logit[b] = Log2Q8(t.cnt[b])
	t.total += shapeInc
	if t.total > lim {
		var s uint32
		for i := range t.cnt {
			v := (t.cnt[i] + 1) >> 1
			t.cnt[i] = v
			s += v
			t.logit[i] = Log2Q8(v)
		}
		t.total = s
	}
}

func initScale(b int) int32 {
	// act ~ 8*2^(b/3) (Q4) summed over weights 6: mean abs ~ act/6.
	a := int32(8) << uint(b/3)
	s := a / 6
	if s < minScale {
		s = minScale
	}
	return s << 8
}

// Prepare computes the features of the next sub-pixel. It must not be
// called after Done.
func (cx *Context) Prepare() *Features {
	f := &cx.f
	if cx.prepared {
		return f
	}
	cx.prepared = true
	c := cx.c
	f.X, f.Y, f.C = cx.x, cx.y, c
	r := cx.gather(c)
	f.Nbr = [NumNbr]int32{r.w, r.n, r.nw, r.ne, r.ww, r.nn, r.nne, r.nee}
	i := cx.x + pad
	for k := 0; k < MaxC; k++ {
		if k < c {
			f.Cur[k] = cx.pix[k][0][i]
		} else {
			f.Cur[k] = 0
		}
	}
	p := &f.Pred
	p[PredW] = r.w << PredBits
	p[PredN] = r.n << PredBits
	p[PredNE] = r.ne << PredBits
	grad := r.w + r.n - r.nw
	p[PredGrad] = clampQ(grad << PredBits)
	p[PredMED] = med(r.w, r.n, r.nw) << PredBits
	p[PredGAP] = clampQ(gap(&r))
	p[PredAvgWN] = (r.w + r.n) << (PredBits - 1)
	p[PredWNE] = clampQ((r.w + r.ne - r.n) << PredBits)
	var rr, r2 nbrs
	if c >= 1 {
		rr = cx.gather(c - 1)
		cr := f.Cur[c-1]
		p[PredXN] = clampQ((r.n + cr - rr.n) << PredBits)
		p[PredXW] = clampQ((r.w + cr - rr.w) << PredBits)
		p[PredXGrad] = clampQ((grad + cr - (rr.w + rr.n - rr.nw)) << PredBits)
		xa := (r.w + r.n + 2*cr - rr.w - rr.n) << (PredBits - 1)
		if c >= 2 {
			r2 = cx.gather(c - 2)
			c2 := f.Cur[c-2]
			xb := (r.w + r.n + 2*c2 - r2.w - r2.n) << (PredBits - 1)
			xa = (xa + xb) >> 1
		}
		p[PredXAvg] = clampQ(xa)
	} else {
		p[PredXN] = clampQ((r.n + r.ne - r.nne) << PredBits)
		p[PredXW] = (r.w + r.ne) << (PredBits - 1)
		p[PredXGrad] = (2*r.w + r.n + r.ne) << (PredBits - 2)
		p[PredXAvg] = (r.w + r.n + r.nw + r.ne) << (PredBits - 2)
	}
	if !cx.cfg.NoLS {
		x := &cx.lsX
		base := (r.w + r.n + 1) >> 1
		cx.lsB = base
		x[0], x[1], x[2], x[3] = r.w-base, r.n-base, r.nw-base, r.ne-base
		x[4], x[5], x[6], x[7] = r.ww-base, r.nn-base, r.nne-base, r.nee-base
		if c >= 1 {
			b1 := (rr.w + rr.n + 1) >> 1
			x[8], x[9], x[10], x[11], x[12] = f.Cur[c-1]-b1, rr.w-b1, rr.n-b1, rr.nw-b1, rr.ne-b1
		}
		if c >= 2 {
			b2 := (r2.w + r2.n + 1) >> 1
			x[13], x[14], x[15] = f.Cur[c-2]-b2, r2.w-b2, r2.n-b2
		}
		q := cx.ls[c].predict(x) // Q16
		q = (q + 1<<(lsWBits-PredBits-1)) >> (lsWBits - PredBits)
		if q > 2*MaxQ {
			q = 2 * MaxQ
		} else if q < -2*MaxQ {
			q = -2 * MaxQ
		}
		p[PredLS] = clampQ(base<<PredBits + int32(q))
	} else {
		p[PredLS] = p[PredGrad]
	}

	// Per-predictor causal error magnitudes.
	e0 := cx.perr[c][0]
	e1 := cx.perr[c][1]
	iw, in, inw, ine := (i-1)*NumPred, i*NumPred, (i-1)*NumPred, (i+1)*NumPred
	var ec []int32
	if c >= 1 {
		ec = cx.perr[c-1][0][i*NumPred : i*NumPred+NumPred]
	}
	for k := 0; k < NumPred; k++ {
		e := 2*(e0[iw+k]+e1[in+k]) + e1[inw+k] + e1[ine+k]
		if ec != nil {
			e += 2 * ec[k]
		}
		f.Err[k] = e
	}

	// Blend.
	var p0 int32
	if s := cx.cfg.Single; s > 0 && s <= NumPred {
		p0 = p[s-1]
	} else {
		n := NumPred
		if cx.cfg.NoLS {
			n = PredLS
		}
		var sw, sp, se int64
		for k := 0; k < n; k++ {
			e := int64(f.Err[k])
			var wk int64
			wk = (int64(1) << 32) / (e*e + 64)
			if k == PredLS {
				wk <<= lsBoost
			}
			sw += wk
			sp += wk * int64(p[k])
			se += wk * e
		}
		p0 = int32((sp + sw>>1) / sw)
		cx.ew = int32(se / sw)
	}
	cx.p0 = p0

	// Activity of the blended prediction.
	b0 := cx.berr[c][0]
	b1 := cx.berr[c][1]
	act := 2*(b0[i-1]+b1[i]) + b1[i-1] + b1[i+1]
	if c >= 1 {
		act += 2 * cx.berr[c-1][0][i]
	}
	act = (act + cx.ew) >> 1
	f.Act = act
	bk := int((Log2Q8(uint32(act)+8) - 3*256) * 3 >> 8)
	if bk > numBuckets-1 {
		bk = numBuckets - 1
	}
	f.Bucket = bk

	// Bias correction (CALIC-style error feedback).
	pb := p0
	if !cx.cfg.NoBias {
		tex := 0
		q0 := p0 >> PredBits
		if r.n > q0 {
			tex |= 1
		}
		if r.w > q0 {
			tex |= 2
		}
		if r.nw > q0 {
			tex |= 4
		}
		if r.ne > q0 {
			tex |= 8
		}
		cx.biasCtx = c*numBiasCtx + (bk>>1)*16 + tex
		pb = clampQ(p0 + (cx.bias[cx.biasCtx]+128)>>8)
	}
	f.Blend = pb
	s := cx.scale[c][bk] >> 8
	if s < minScale {
		s = minScale
	}
	f.Scale = s
	cx.shapeCtx = c*numShapeCtx + bk>>2
	return f
}

// invScale returns 2^(shapeInvSh+3)/Scale: the bin of an error d (Q4)
// is floor(d*invScale / 2^shapeInvSh), which fits int32 (|d| < 2^12,
// invScale <= 2^17).
func (cx *Context) invScale() int32 { return (int32(8) << shapeInvSh) / cx.f.Scale }

// Logits writes the bias-logit model's 256 logits for the next
// sub-pixel (log2 units, 8 fractional bits, the format of
// coder.FreqTable.SetLogits) into dst[:256].
func (cx *Context) Logits(dst []int32) {
	f := cx.Prepare()
	dst = dst[:256]
	t := &cx.shape[cx.shapeCtx]
	inv := cx.invScale()
	// acc = d*inv with d = 16*v - Blend, stepped exactly; the bin of v
	// is acc >> shapeInvSh + shapeCenter, the table extended by
	// shapeTail per bin beyond its ends.
	kernel.ShapeLogits(dst, &t.logit, -f.Blend*inv, inv<<PredBits, shapeTail)
}

// Update records the value of the next sub-pixel and advances.
func (cx *Context) Update(val byte) {
	f := cx.Prepare()
	c := cx.c
	v := int32(val)
	v16 := v << PredBits
	i := cx.x + pad
	e0 := cx.perr[c][0][i*NumPred : i*NumPred+NumPred]
	for k := range e0 {
		e0[k] = abs32(v16 - f.Pred[k])
	}
	err := v16 - f.Blend
	ae := abs32(err)
	cx.berr[c][0][i] = ae
	if !cx.cfg.NoBias {
		b := &cx.bias[cx.biasCtx]
		*b += ((v16-cx.p0)<<8 - *b) >> biasRate
	}
	sc := &cx.scale[c][f.Bucket]
	*sc += (ae<<8 - *sc) >> scaleRate
	if !cx.cfg.NoShape {
		b := (err*cx.invScale())>>shapeInvSh + shapeCenter
		if b < 0 {
			b = 0
		} else if b >= shapeBins {
			b = shapeBins - 1
		}
		cx.shape[cx.shapeCtx].add(int(b), cx.cfg.ShapeLim)
	}
	if !cx.cfg.NoLS {
		ls := &cx.ls[c]
		ls.update(&cx.lsX, v-cx.lsB)
		if cx.pixN%cx.cfg.LSEvery == 0 {
			ls.solve()
		}
	}
	cx.pix[c][0][i] = v
	cx.prepared = false
	cx.c++
	if cx.c == cx.ch {
		cx.c = 0
		cx.pixN++
		cx.x++
		if cx.x == cx.w {
			cx.x = 0
			cx.endRow()
			cx.y++
			if cx.y < cx.rows {
				cx.startRow()
			}
		}
	}
}
