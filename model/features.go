package model

import (
	"math/bits"

	"github.com/dcar-archiver/dcar/model/imgctx"
)

// NF is the number of network input features per sub-pixel.
const NF = 48

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
