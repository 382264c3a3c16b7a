package train

import (
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/imgctx"
)

// NAux is the number of per-sample render inputs: Blend, Scale, Pred[13]
// (all Q4, as float32, exact).
const NAux = 2 + imgctx.NumPred

// featOne is 1.0 in the integer features' Q format (model.FeatFrac).
const featOne = 1 << model.FeatFrac

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
	s.Feat = append(s.Feat, make([]float32, n*model.NF)...)
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
	tot, nf, text := 0, model.NF, false
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
		return model.NF
	}
	return s.NFeat
}

// featurize is Featurize converted to the float inputs of training.
func featurize(dst []float32, f *imgctx.Features, prevRes int16) {
	var q [model.NF]int16
	model.Featurize(q[:], f, prevRes)
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
	s.Feat = make([]float32, 0, nrec*rowN*model.NF)
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
				featurize(s.Feat[n*model.NF:(n+1)*model.NF], f, prevRes)
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
			prevRes = model.Residual(f, v)
			cx.Update(v)
		}
	}
	return s, nil
}
