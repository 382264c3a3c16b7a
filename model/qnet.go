package model

import (
	"sync"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/internal/cacheline"
	"github.com/dcar-archiver/dcar/model/imgctx"
	"github.com/dcar-archiver/dcar/model/kernel"
)

// Render grid of the relative head: bins at u = (16v - Blend)/Scale =
// (j - RelJ)*RelStep, j = 0..2*RelJ, piecewise-linear in between and
// constant beyond.
const (
	RelJ    = 20
	RelStep = 0.5
	NRel    = 2*RelJ + 1
	// NOut is the head width: NRel relative bins + one hat kernel per
	// predictor of the bank.
	NOut = NRel + imgctx.NumPred
	// HeadN is the time-mix head size.
	HeadN = 16
)

// QNet is the integer form of the float network train.Net (model/train
// quantises one into a QNet): the definition the codecs' encoder and
// decoder share. Every operation is on integers (int16 activations,
// int16 weights of at most ±WeightMax, int32/int64 accumulators, fixed
// shifts and kernel.Scale requantisation), so its output is the same on
// every machine and code path.
//
// Q formats (value = integer · 2^-F):
//
//	x      features, F = FeatFrac (10)
//	h1, hr hidden activations, F = FH1          (hr = h1 + Wo·z, same format)
//	r, k, v time-mix projections, F = FR, FK, FV
//	kk, b  normalised key and kk⊙α, Q15
//	S      WKV state, int32, F = FS
//	y, z   WKV output and gated output, F = FY
//	h2     second hidden layer, F = FH2
//	o      head outputs in log2 units with 12 fractional bits (int32)
//	delta  rendered delta logits, same units; the coder gets
//	       bias + RoundShift(delta, 4) (log2 with 8 fractional bits)
//
// Each matrix row i has its own real weight scale: W[i][j] ≈ Wq[i][j]·sw_i.
// The requantisation Scale of row i folds sw_i and the input/output Q
// formats into one multiplier; biases are stored in accumulator units.
type QNet struct {
	H   int
	Seq int // the state is reset at row starts and every Seq sub-pixels
	// AdaptShift > 0 turns on online adaptation of the head's bias within
	// a stripe (see QState.Adapt); its learning rate is 2^-AdaptShift.
	// 0 (weight files without the key) means no adaptation.
	AdaptShift uint
	// SA3, if not nil, turns on online adaptation of the head matrix
	// within a stripe: row k's learning-rate factor (see QState.Adapt).
	SA3 []kernel.Scale
	// AdaptByChannel keeps one adapted head bias per colour channel.
	AdaptByChannel bool

	FH1, FR, FK, FV, FS, FY, FH2 uint

	// Text marks the text modality's network: NFT inputs plus the token
	// row E[previous byte] (accumulator units of W1's rows) and the
	// NOutT-row text head (StepText). St, if not nil, is the modality
	// start vector (h1 format): the token shift's history at a sequence
	// start.
	Text bool
	E    []int32 // 256×H
	St   []int16 // H

	W1 []int16 // H×NF (text: H×NFT)
	B1 []int32
	S1 []kernel.Scale

	MuR, MuK, MuV []int32 // Q16 token-shift mixes (may lie outside [0, 1])
	Wr, Wk, Wv    []int16 // H×H
	Sr, Sk, Sv    []kernel.Scale
	Sg            kernel.Scale // h1 units → sigmoid input Q3.12
	Dec           []int32      // per-channel decay, Q16 (0..65536)
	Alpha         []int32      // per-channel α, Q16
	Wo            []int16      // H×H
	So            []kernel.Scale

	W2 []int16 // H×H
	B2 []int32
	S2 []kernel.Scale
	W3 []int16 // NOut×H (text: NOutT×H)
	B3 []int32
	S3 []kernel.Scale

	p    *prepared // the scales ready for the loops (NewState prepares them)
	once sync.Once
}

type prepared struct {
	s1, sr, sk, sv, s2, so, s3 *kernel.Requantizer // kernel.Requant, RequantAdd (so), RequantHead (s3)
	sa3                        *kernel.Requantizer // kernel.RescaleSat32
	sg                         rescale
}

func (q *QNet) prepare() {
	q.once.Do(func() {
		q.p = &prepared{s1: kernel.NewRequantizer(q.S1), sr: kernel.NewRequantizer(q.Sr), sk: kernel.NewRequantizer(q.Sk),
			sv: kernel.NewRequantizer(q.Sv), s2: kernel.NewRequantizer(q.S2),
			so: kernel.NewRequantizer(q.So), s3: kernel.NewRequantizer(q.S3), sg: prepScale(q.Sg), sa3: kernel.NewRequantizer(q.SA3)}
	})
}

// WeightMax bounds |Wq|. With activations saturated to int16 and at most
// 128 inputs per row, a row's sum stays below 2^31: 32767·511·128 < 2^31.
const WeightMax = 511

// Rec reports whether the network has the time-mix.
func (q *QNet) Rec() bool { return q.Wr != nil }

// QState is one stream's recurrent state and scratch.
type QState struct {
	q                           *QNet
	x, h1, hp, xr, xk, xv, r, k []int16
	v, y, hr, h2                []int16
	g                           []uint16
	acc                         []int32
	o                           []int32
	wkv                         wkvScratch
	ob                          [3][]int32   // adapted head bias (log2 Q12) per adaptation context, kept for the whole stripe
	obc                         int          // adaptation context of the current sub-pixel
	w3                          []int32      // adapted head matrix, W3·2^HeadFrac (nil: W3 as shipped)
	g3                          []int32      // its gradient step per row
	ga                          []int64      // Adapt's gradient per head output (scratch)
	mix                         [256]int32   // text: the mixture logits minus their maximum (clamped), log2 Q8
	ri                          [256]uint8   // render: grid cell of each value
	rf                          [256]int32   // render: position in the cell, Q16
	rw                          renderWindow // render: the values inside the relative grid
	delta                       [256]int64   // render: scratch
	dz                          [256]int64   // Adapt: scratch
	S                           []int32      // H/HeadN heads of HeadN×HeadN, transposed: S[j*HeadN+i] = S[i][j]
}

// NewState returns a state at a sequence start.
func (q *QNet) NewState() *QState {
	H := q.H
	q.prepare()
	// Written at every step: nothing of a state may share a cache line
	// with another stream's (two stripes or texts coded at once).
	s := cacheline.New[QState]()
	s.q = q
	for _, p := range []*[]int16{&s.h1, &s.hp, &s.xr, &s.xk, &s.xv, &s.r, &s.k, &s.v, &s.y, &s.hr, &s.h2} {
		*p = cacheline.Make[int16](H)
	}
	nout := q.nout()
	s.x = cacheline.Make[int16](q.nf())
	s.g = cacheline.Make[uint16](H)
	s.acc = cacheline.Make[int32](max(H, nout))
	s.o = cacheline.Make[int32](nout)
	s.g3 = cacheline.Make[int32](nout)
	s.ga = cacheline.Make[int64](nout)
	for i := range s.ob {
		s.ob[i] = cacheline.Make[int32](nout)
	}
	s.S = cacheline.Make[int32](H * HeadN)
	copy(s.hp, q.St)
	if q.SA3 != nil {
		s.w3 = make([]int32, len(q.W3))
		for i, w := range q.W3 {
			s.w3[i] = int32(w) << HeadFrac
		}
	}
	return s
}

// wkvScratch holds one head's kernel.WKV16 inputs.
type wkvScratch struct{ kk, b, kv, v, r [HeadN]int32 }

// Reset starts a new sequence (token-shift history = the start vector,
// zero state).
func (s *QState) Reset() {
	clear(s.hp)
	copy(s.hp, s.q.St)
	clear(s.S)
}

func (q *QNet) nf() int {
	if q.Text {
		return NFT
	}
	return NF
}

func (q *QNet) nout() int {
	if q.Text {
		return NOutT
	}
	return NOut
}

// rescale is a kernel.Scale prepared for the kernels that apply one
// scale to a vector (kernel.RescaleS16): (x·m + half) >> sh, i.e.
// x·Mult·2^-Shift rounded half up, with sh below 64.
type rescale struct {
	m, half int64
	sh      uint
}

func prepScale(v kernel.Scale) rescale {
	if v.Shift >= 64 {
		// x >> 64 or more is x >> 63 in int64 (0 or -1), and the
		// rounding half 2^(Shift-1) is 1 << Shift >> 1 = 0 in Go.
		return rescale{m: int64(v.Mult), sh: 63}
	}
	return rescale{m: int64(v.Mult), half: int64(1) << v.Shift >> 1, sh: uint(v.Shift)}
}

// Step runs the network on one sub-pixel: feat are its Featurize inputs,
// f its imgctx features (for the render), and logits the imgctx logits on
// entry; on return logits holds the final logits bias + delta.
func (s *QState) Step(logits []int32, feat []int16, f *imgctx.Features) {
	if s.q.AdaptByChannel {
		s.obc = f.C % 3
	}
	s.forward(feat, nil)
	s.rw = renderQ(logits, s.o, f, &s.ri, &s.rf, &s.delta)
}

// StepText runs the text network on one byte: feat are its
// TextFeaturize inputs, prev the previous byte (0 at a segment start),
// and logits the txtctx mixture logits on entry; on return logits holds
// the final logits (see renderTextQ).
func (s *QState) StepText(logits []int32, feat []int16, prev byte) {
	s.forward(feat, s.q.E[int(prev)*s.q.H:][:s.q.H])
	renderTextQ(logits, s.o, &s.mix)
}

// forward computes the head outputs s.o (adapted bias included) from the
// features and, for text, the token row e (accumulator units).
func (s *QState) forward(feat []int16, e []int32) {
	q := s.q
	H := q.H
	kernel.MatVecS16(s.acc, q.W1, feat, H, q.nf())
	for i, v := range e {
		s.acc[i] += v
	}
	kernel.Requant(s.h1, s.acc, q.B1, q.p.s1, true)
	hr := s.h1
	if q.Rec() {
		s.timeMix()
		hr = s.hr
	}
	kernel.MatVecS16(s.acc, q.W2, hr, H, H)
	kernel.Requant(s.h2, s.acc, q.B2, q.p.s2, true)
	nout := len(s.o)
	if s.w3 != nil {
		kernel.MatVecS32S16(s.acc, s.w3, s.h2, nout, H, HeadFrac)
	} else {
		kernel.MatVecS16(s.acc, q.W3, s.h2, nout, H)
	}
	kernel.RequantHead(s.o, s.acc, q.B3, s.ob[s.obc], q.p.s3)
}

// renderTextQ is the integer form of train's renderText: with m(c) = logits(c) minus
// their maximum, clamped at -32768 (kept in mix), and o in log2 Q12
// (o[256] a Q12 factor), delta(c) = o[c] + (o[256]·m(c)) >> 8 and
// logits(c) = m(c) + (delta(c) + 8) >> 4.
func renderTextQ(logits []int32, o []int32, mix *[256]int32) {
	logits = logits[:256]
	mx := logits[0]
	for _, v := range logits {
		mx = max(mx, v)
	}
	a := int64(o[256])
	for c, v := range logits {
		m := max(-32768, v-mx)
		mix[c] = m
		d := int64(o[c]) + (a*int64(m))>>8
		logits[c] = m + int32(max(-1<<24, min(1<<24, (d+8)>>4)))
	}
}

// timeMix computes hr = h1 + Wo·(WKV(h1)⊙σ(xr)) and advances the state.
func (s *QState) timeMix() {
	q := s.q
	H := q.H
	kernel.Lerp16(s.xr, s.h1, s.hp, q.MuR)
	kernel.Lerp16(s.xk, s.h1, s.hp, q.MuK)
	kernel.Lerp16(s.xv, s.h1, s.hp, q.MuV)
	copy(s.hp, s.h1)
	kernel.MatVecS16(s.acc, q.Wr, s.xr, H, H)
	kernel.Requant(s.r, s.acc, nil, q.p.sr, false)
	kernel.MatVecS16(s.acc, q.Wk, s.xk, H, H)
	kernel.Requant(s.k, s.acc, nil, q.p.sk, false)
	kernel.MatVecS16(s.acc, q.Wv, s.xv, H, H)
	kernel.Requant(s.v, s.acc, nil, q.p.sv, false)
	kernel.RescaleS16(s.y, s.xr, q.p.sg.m, q.p.sg.half, q.p.sg.sh) // y is free until the WKV
	kernel.SigmoidVec(s.g, s.y)
	yShift := q.FS + q.FR - q.FY
	for hh := 0; hh < H/HeadN; hh++ {
		o := hh * HeadN
		wkvQ(&s.wkv, (*[HeadN * HeadN]int32)(s.S[hh*HeadN*HeadN:]), s.k[o:o+HeadN], s.v[o:o+HeadN], s.r[o:o+HeadN],
			q.Dec[o:o+HeadN], q.Alpha[o:o+HeadN], int(q.FS)-int(q.FV+q.FK), yShift, s.y[o:o+HeadN])
	}
	kernel.Gate(s.y, s.y, s.g)
	kernel.MatVecS16(s.acc, q.Wo, s.y, H, H)
	kernel.RequantAdd(s.hr, s.acc, s.h1, q.p.so)
}

// wkvQ is one token of one head in integers (the float version is
// train's wkvForward): kk = k/‖k‖ (Q15), b = kk⊙α (Q15), then
// kernel.WKV16: S' = S·diag(dec) + (S·(-kk))⊗b + v⊗k, y = S'·r, with the
// v⊗k term scaled by 2^vkShift (vkShift = FS-FV-FK). St is the head's
// state, transposed (see kernel.WKV16).
func wkvQ(sc *wkvScratch, St *[HeadN * HeadN]int32, k, v, r []int16, dec, alpha []int32, vkShift int, yShift uint, y []int16) {
	const N = HeadN
	kk, b, kv, vv, rr := &sc.kk, &sc.b, &sc.kv, &sc.v, &sc.r
	var ss int64
	for _, x := range k[:N] {
		ss += int64(x) * int64(x)
	}
	rs := int64(kernel.RsqrtQ30(uint64(max(ss, 1))))
	lsh, rsh := uint(max(vkShift, 0)), uint(max(-vkShift, 0))
	kernel.WKVPrep(kk, b, kv, vv, rr, (*[N]int16)(k), (*[N]int16)(v), (*[N]int16)(r), (*[N]int32)(alpha), rs, lsh)
	kernel.WKV16(St, kk, b, (*[N]int32)(dec), kv, vv, rr, rsh, yShift, (*[N]int16)(y))
}

// renderQ adds the rendered head (o, log2 Q12) to logits (log2 Q8): the
// integer version of train's render. Relative bins: q(v) = (16v - Blend)·2/Scale
// + RelJ in Q16, i.e. floor((16v - Blend)·floor(2^40/Scale) / 2^23) +
// RelJ·2^16, clamped to [0, 2·RelJ·2^16]; delta = o[i] + ((o[i+1] -
// o[i])·f) >> 16 with i = q>>16, f = q&0xffff. Hats: predictor k adds
// (o[NRel+k]·e) >> 16 with e = 65536 - (|16v - Pred_k|·floor(2^32/Scale))
// >> 16 where e > 0. Finally logits[v] += (delta + 8) >> 4.
func renderQ(logits []int32, o []int32, f *imgctx.Features, ri *[256]uint8, rf *[256]int32, delta *[256]int64) renderWindow {
	logits = logits[:256]
	o = o[:NOut]
	bl, sc := int64(f.Blend), int64(max(f.Scale, 1))
	inv := (int64(1) << 40) / sc
	// acc = (16v - Blend)·inv, stepped exactly
	acc, step := -bl*inv, 16*inv
	// Values below the window are clamped to cell 0 at f = 0 (delta =
	// o[0]), values from its end to the last cell at f = 0 (delta =
	// o[2·RelJ]); only the window needs the interpolation.
	// ri and rf are set inside the window only: Adapt reads no others.
	rw := relWindow(acc, step)
	fill(delta[:rw.lo], int64(o[0]))
	kernel.GridInterp(delta[rw.lo:rw.hi], ri[rw.lo:], rf[rw.lo:], o, acc+int64(rw.lo)*step, step, RelJ)
	fill(delta[rw.hi:], int64(o[2*RelJ]))
	invH := (int64(1) << 32) / sc
	for k := 0; k < imgctx.NumPred; k++ {
		bk := int64(o[NRel+k])
		if bk == 0 {
			continue
		}
		p := int64(f.Pred[k])
		if lo, hi := max(0, (p-sc)>>4), min(255, (p+sc)>>4); lo <= hi {
			kernel.HatAdd(delta[lo:hi+1], int(lo), p, invH, bk)
		}
	}
	kernel.AddRoundedQ4(logits, delta[:])
	return rw
}

// A renderWindow is the range [lo, hi) of values whose relative
// position q(v) lies strictly inside the render grid: below lo, q(v)
// clamps to 0 (cell 0, f = 0), from hi on to 2·RelJ·2^16 (cell 2·RelJ,
// f = 0).
type renderWindow struct{ lo, hi int }

// relWindow returns the window of q(v) = clamp((acc0 + v·step) >> 23 +
// RelJ·2^16, 0, 2·RelJ·2^16) over v = 0..255 (step > 0, so q is monotone):
// q(v) > 0 iff acc0 + v·step >= (1 - RelJ·2^16)·2^23, and q(v) < 2·RelJ·2^16
// iff acc0 + v·step < RelJ·2^16·2^23.
func relWindow(acc0, step int64) renderWindow {
	first := func(t int64) int { // the least v >= 0 with acc0 + v·step >= t, at most 256
		n := t - acc0
		if n <= 0 {
			return 0
		}
		return int(min((n+step-1)/step, 256))
	}
	return renderWindow{first((1 - RelJ<<16) << 23), first(RelJ << 16 << 23)}
}

// Adapt takes one integer gradient step on the head's bias after the
// sub-pixel f was coded as tgt with the frequency table freq (the final
// distribution, freq(v)/2^16): with dz(v) = freq(v) - 2^16·[v = tgt]
// (the log-loss gradient with respect to the logits, Q16), the render's
// transpose gives g[k] (relative bins: dz·(2^16-f) >> 16 to the cell's
// left end, dz·f >> 16 to its right; hats: dz·e >> 16), and
// ob[k] -= (g[k] + 2^(AdaptShift-1)) >> AdaptShift. No-op if AdaptShift = 0.
// With SA3, the head matrix (kept as W3·2^HeadFrac in int32, arithmetic
// modulo 2^32) also steps: gk = SA3[k].apply(g[k]) (half-up rounding),
// w3[k][j] -= (gk·h2[j] + 2^15) >> 16 (kernel.RankOneUpdateS32, gk
// saturated to int32).
func (s *QState) Adapt(f *imgctx.Features, ft *coder.FreqTable, tgt byte) {
	sh := s.q.AdaptShift
	if sh == 0 {
		return
	}
	dz := &s.dz // state scratch: a local array passed to a kernel escapes
	g := s.ga
	clear(g)
	if s.q.Text {
		diffs(dz[:], ft, 0)
		dz[tgt] -= 65536
		var g256 int64
		for c, d := range dz {
			g[c] = d
			g256 += d * int64(s.mix[c])
		}
		// The exact gradient of o[256] is Σ dz·m >> 8; m runs to
		// thousands, so at the bias rate that factor would swing within a
		// few hundred bytes. It steps 2^8 times slower.
		g[256] = g256 >> 16
		s.adaptStep(g)
		return
	}
	// dz is needed only where the render interpolates or a hat is
	// non-zero: [need.lo, need.hi) covers those values.
	rw := s.rw
	sc := int64(max(f.Scale, 1))
	need := rw
	if need.lo >= need.hi {
		need = renderWindow{256, 0}
	}
	for k := 0; k < imgctx.NumPred; k++ {
		p := int64(f.Pred[k])
		if lo, hi := max(0, (p-sc)>>4), min(255, (p+sc)>>4); lo <= hi {
			need.lo, need.hi = min(need.lo, int(lo)), max(need.hi, int(hi)+1)
		}
	}
	if need.lo < need.hi {
		diffs(dz[need.lo:need.hi], ft, need.lo)
		if int(tgt) >= need.lo && int(tgt) < need.hi {
			dz[tgt] -= 65536
		}
	}
	// Outside the render window every value sits at f = 0 of cell 0 or
	// of the last cell: its whole dz goes to that cell's left end. The
	// sums of dz below and above the window are differences of the
	// cumulative frequencies (cum(0) = 0, cum(256) = 2^16).
	t := int(tgt)
	below := int64(ft.Cum(rw.lo))
	if t < rw.lo {
		below -= 65536
	}
	above := int64(ft.Cum(256)) - int64(ft.Cum(rw.hi))
	if t >= rw.hi {
		above -= 65536
	}
	g[0] += below
	for v := rw.lo; v < rw.hi; v++ {
		d := dz[v]
		i0, fr := s.ri[v], int64(s.rf[v])
		g[i0] += (d * (65536 - fr)) >> 16
		g[i0+1] += (d * fr) >> 16
	}
	g[2*RelJ] += above
	invH := (int64(1) << 32) / sc
	for k := 0; k < imgctx.NumPred; k++ {
		p := int64(f.Pred[k])
		if lo, hi := max(0, (p-sc)>>4), min(255, (p+sc)>>4); lo <= hi {
			g[NRel+k] += kernel.HatDot(dz[lo:hi+1], int(lo), p, invH)
		}
	}
	s.adaptStep(g)
}

// diffs sets dz[i] = ft.Cum(lo+i+1) - ft.Cum(lo+i), the frequencies of
// the values lo, lo+1, ....
func diffs(dz []int64, ft *coder.FreqTable, lo int) {
	prev := ft.Cum(lo)
	for i := range dz {
		c := ft.Cum(lo + i + 1)
		dz[i] = int64(c - prev)
		prev = c
	}
}

// fill sets every element of d to x.
func fill(d []int64, x int64) {
	for i := range d {
		d[i] = x
	}
}

// adaptStep applies the head gradient g (Q16 log-loss units per head
// output) to the adapted bias and, with SA3, to the head matrix.
func (s *QState) adaptStep(g []int64) {
	sh := s.q.AdaptShift
	half := int64(1) << (sh - 1)
	kernel.StepBias(s.ob[s.obc][:len(g)], g, half, sh)
	if s.w3 == nil {
		return
	}
	kernel.RescaleSat32(s.g3[:len(g)], g, s.q.p.sa3)
	kernel.RankOneUpdateS32(s.w3, s.g3, s.h2, len(g), s.q.H)
}

// HeadFrac is the number of extra fractional bits of the adapted head
// matrix.
const HeadFrac = 8
