package imgnet

import (
	"math"

	"github.com/dcar-archiver/dcar/imgctx"
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
	Feat   []float32 // N*NF
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
}

func clampf(x, lo, hi float32) float32 { return max(lo, min(hi, x)) }

func log2f(x int32) float32 { return float32(math.Log2(float64(x))) }

// featurize converts imgctx features (exact integers) to the network
// inputs. prevRes is the scaled residual of the previous sub-pixel in the
// stripe (0 at the start).
func featurize(dst []float32, f *imgctx.Features, prevRes float32) {
	dst = dst[:NF]
	clear(dst)
	bl := float32(f.Blend)
	inv := 1 / float32(f.Scale)
	dst[f.C%3] = 1
	la := log2f(f.Act + 16)
	for i := 0; i < imgctx.NumPred; i++ {
		dst[3+i] = clampf((float32(f.Pred[i])-bl)*inv, -8, 8) * 0.5
		dst[16+i] = (log2f(f.Err[i]+16) - la)
	}
	dst[29] = (log2f(f.Scale) - 5) * 0.5
	dst[30] = (la - 8) * 0.5
	dst[31] = float32(f.Bucket)/16 - 1
	for k := 0; k < imgctx.NumNbr; k++ {
		dst[32+k] = clampf((float32(f.Nbr[k]<<imgctx.PredBits)-bl)*inv, -8, 8) * 0.5
	}
	for k := 0; k < f.C && k < 2; k++ {
		dst[40+k] = clampf((float32(f.Cur[k]<<imgctx.PredBits)-bl)*inv, -8, 8) * 0.5
	}
	dst[42] = bl/2048 - 1
	dst[43] = clampf(prevRes, -8, 8) * 0.5
	if f.X == 0 {
		dst[44] = 1
	}
	if f.Y == 0 {
		dst[45] = 1
	}
	if f.Y == 1 {
		dst[46] = 1
	}
	dst[47] = 1 // constant (lets the time-mix see a bias)
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
	var prevRes float32
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
			prevRes = float32((int32(v)<<imgctx.PredBits)-f.Blend) / float32(f.Scale)
			cx.Update(v)
		}
	}
	return s, nil
}
