package model

import (
	"math/bits"

	"github.com/dcar-archiver/dcar/model/imgctx"
)

// NF is the number of network input features per sub-pixel.
const NF = 48

// NAux is the number of per-sample render inputs: Blend, Scale, Pred[13]
// (all Q4, as float32, exact).
const NAux = 2 + imgctx.NumPred

// Set holds extracted samples: features, render inputs, imgctx bias
// logits and targets, in raster order. Seg marks sample indices where a
// new sequence starts (recurrent state is reset there).
type Set struct {
	N      int
	NFeat  int       // features per sample: NF (0 means NF) or NFT
	Feat   []float32 // N*NFeat
	Prev   []uint8   // text: the previous byte of each sample (nil for images)
	Aux    []float32 // N*NAux
	Bias   []int16   // N*256: imgctx logits minus their max, clamped at -32768
	Tgt    []uint8   // N
	Starts []int     // start index of each contiguous run (e.g. a row)
}

func (s *Set) grow(n int) {
	s.Feat = append(s.Feat, make([]float32, n*NF)...)
	s.Aux = append(s.Aux, make([]float32, n*NAux)...)
	s.Bias = append(s.Bias, make([]int16, n*256)...)
	s.Tgt = append(s.Tgt, make([]uint8, n)...)
}

// Append adds the samples of o to s.
func (s *Set) Append(o *Set) {
	for _, st := range o.Starts {
		s.Starts = append(s.Starts, st+s.N)
	}
	s.N += o.N
	s.Feat = append(s.Feat, o.Feat...)
	s.Aux = append(s.Aux, o.Aux...)
	s.Bias = append(s.Bias, o.Bias...)
	s.Tgt = append(s.Tgt, o.Tgt...)
	s.Prev = append(s.Prev, o.Prev...)
	s.NFeat = o.nf()
}

// Concat joins sets of one modality (nil entries skipped) into one,
// allocating every slice once at its final size: sets are large (about
// 0.7-0.8 KB per sample) and growing them by appends would need twice the
// memory. The inputs are cleared as they are copied.
func Concat(sets []*Set) *Set {
	all := &Set{}
	tot, nf, text := 0, NF, false
	for _, s := range sets {
		if s != nil {
			tot += s.N
			nf, text = s.nf(), s.Prev != nil
		}
	}
	all.Feat = make([]float32, 0, tot*nf)
	all.Bias = make([]int16, 0, tot*256)
	all.Tgt = make([]uint8, 0, tot)
	if text {
		all.Prev = make([]uint8, 0, tot)
	} else {
		all.Aux = make([]float32, 0, tot*NAux)
	}
	all.NFeat = nf
	for i, s := range sets {
		if s != nil {
			all.Append(s)
			sets[i] = nil
		}
	}
	return all
}

// nf returns the number of features per sample.
func (s *Set) nf() int {
	if s.NFeat == 0 {
		return NF
	}
	return s.NFeat
}

// FeatFrac is the number of fractional bits of the integer features:
// the network input i is float32(q[i]) / 2^FeatFrac, so training (float)
// and the integer decoder see exactly the same inputs.
const FeatFrac = 10

// featOne is 1.0 in the feature Q format.
const featOne = 1 << FeatFrac

// relLim bounds the relative features: +-8 Scale, halved, in Q10.
const relLim = 4 << FeatFrac

// log2Frac is log2(1 + i/1024) in Q10 for i = 0..1023, computed with
// integers only (repeated squaring) so it is the same everywhere.
var log2Frac = func() (t [1024]int32) {
	for i := range t {
		// m in Q30, in [1, 2)
		m := uint64(1024+i) << 20
		var r int32
		// 12 fraction bits, then round to 10
		for b := 11; b >= 0; b-- {
			m = m * m >> 30
			if m >= 2<<30 {
				m >>= 1
				r |= 1 << b
			}
		}
		t[i] = (r + 2) >> 2
	}
	return
}()

// log2Q returns log2(x) in Q10 for x >= 1 (x < 1 is taken as 1): the
// integer part from the bit length, the fraction from the ten bits
// below the leading one (truncated).
func log2Q(x int32) int32 {
	if x < 1 {
		x = 1
	}
	n := bits.Len32(uint32(x)) - 1
	var f uint32
	if n >= 10 {
		f = uint32(x) >> (n - 10) & 1023
	} else {
		f = uint32(x) << (10 - n) & 1023
	}
	return int32(n)<<FeatFrac + log2Frac[f]
}

func clampq(x, lo, hi int32) int32 { return max(lo, min(hi, x)) }

// relQ returns clamp((d/scale)/2, +-4) in Q10 for a Q4 difference d,
// using inv = 2^24/scale (one division per sample).
func relQ(d int64, inv int64) int16 {
	return int16(clampq(int32(max(-1<<30, min(1<<30, (d*inv)>>15))), -relLim, relLim))
}

// RelInv returns the reciprocal used by the relative features: 2^24/Scale.
func relInv(scale int32) int64 { return (1 << 24) / int64(max(scale, 1)) }

// Featurize writes the integer network inputs (Q10, see FeatFrac) for
// one sub-pixel from imgctx's exact Features. prevRes is the previous
// sub-pixel's relative residual as returned by Residual (0 at a stripe
// start). Integer-only: identical on every machine.
func Featurize(dst []int16, f *imgctx.Features, prevRes int16) {
	dst = dst[:NF]
	clear(dst)
	bl := int64(f.Blend)
	inv := relInv(f.Scale)
	dst[f.C%3] = featOne
	la := log2Q(f.Act + 16)
	for i := 0; i < imgctx.NumPred; i++ {
		dst[3+i] = relQ(int64(f.Pred[i])-bl, inv)
		dst[16+i] = int16(clampq(log2Q(f.Err[i]+16)-la, -8*featOne, 8*featOne))
	}
	dst[29] = int16((log2Q(f.Scale) - 5*featOne) >> 1)
	dst[30] = int16(clampq((la-8*featOne)>>1, -8*featOne, 8*featOne))
	dst[31] = int16(f.Bucket*featOne/16 - featOne)
	for k := 0; k < imgctx.NumNbr; k++ {
		dst[32+k] = relQ(int64(f.Nbr[k])<<imgctx.PredBits-bl, inv)
	}
	for k := 0; k < f.C && k < 2; k++ {
		dst[40+k] = relQ(int64(f.Cur[k])<<imgctx.PredBits-bl, inv)
	}
	dst[42] = int16(bl/2 - featOne)
	dst[43] = prevRes
	if f.X == 0 {
		dst[44] = featOne
	}
	if f.Y == 0 {
		dst[45] = featOne
	}
	if f.Y == 1 {
		dst[46] = featOne
	}
	dst[47] = featOne // constant (lets the time-mix see a bias)
}

// Residual returns the relative residual of sample v under f, the
// prevRes input of the next sub-pixel.
func Residual(f *imgctx.Features, v byte) int16 {
	return relQ(int64(v)<<imgctx.PredBits-int64(f.Blend), relInv(f.Scale))
}

// featurize is Featurize converted to the float inputs of training.
func featurize(dst []float32, f *imgctx.Features, prevRes int16) {
	var q [NF]int16
	Featurize(q[:], f, prevRes)
	for i, v := range q {
		dst[i] = float32(v) * (1.0 / featOne)
	}
}

// Extract runs imgctx (DefaultConfig) over one stripe (w x rows pixels, ch
// interleaved channels) and records the samples of the rows for which
// keep(y) is true (keep nil: all rows). Each recorded row is one
// contiguous run in Starts. The result is deterministic.
func Extract(samples []byte, w, rows, ch int, keep func(y int) bool) (*Set, error) {
	cx, err := imgctx.NewContext(w, rows, ch, imgctx.DefaultConfig)
	if err != nil {
		return nil, err
	}
	s := &Set{}
	nrec := 0
	for y := 0; y < rows; y++ {
		if keep == nil || keep(y) {
			nrec++
		}
	}
	rowN := w * ch
	s.Feat = make([]float32, 0, nrec*rowN*NF)
	s.Aux = make([]float32, 0, nrec*rowN*NAux)
	s.Bias = make([]int16, 0, nrec*rowN*256)
	s.Tgt = make([]uint8, 0, nrec*rowN)
	var lg [256]int32
	var prevRes int16
	idx := 0
	for y := 0; y < rows; y++ {
		rec := keep == nil || keep(y)
		if rec {
			s.Starts = append(s.Starts, s.N)
			s.grow(rowN)
		}
		for i := 0; i < rowN; i++ {
			v := samples[idx]
			idx++
			f := cx.Prepare()
			if rec {
				n := s.N
				featurize(s.Feat[n*NF:(n+1)*NF], f, prevRes)
				a := s.Aux[n*NAux : (n+1)*NAux]
				a[0], a[1] = float32(f.Blend), float32(f.Scale)
				for k := 0; k < imgctx.NumPred; k++ {
					a[2+k] = float32(f.Pred[k])
				}
				cx.Logits(lg[:])
				m := lg[0]
				for _, l := range lg {
					m = max(m, l)
				}
				b := s.Bias[n*256 : (n+1)*256]
				for k, l := range lg {
					b[k] = int16(max(l-m, -32768))
				}
				s.Tgt[n] = v
				s.N++
			}
			prevRes = Residual(f, v)
			cx.Update(v)
		}
	}
	return s, nil
}
