package train

import (
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// mixBias converts mixture logits (log2 Q8) to the Set's Bias form:
// minus their maximum, clamped at -32768.
func mixBias(dst []int16, lg []int32) {
	mx := lg[0]
	for _, v := range lg[1:256] {
		mx = max(mx, v)
	}
	for c := range 256 {
		dst[c] = int16(max(-32768, lg[c]-mx))
	}
}

// ExtractText runs txtctx over data in segments of at most seg bytes (as
// the codec does) and records one sample per byte: TextFeaturize's
// features, the mixture logits as Bias, the previous byte (0 at a
// segment start) and the byte. Each segment is one run of the Set.
func ExtractText(data []byte, seg int) *Set {
	s := &Set{NFeat: model.NFT}
	cfg := txtctx.DefaultConfig()
	feat := make([]int16, model.NFT)
	for a := 0; a < len(data); a += seg {
		src := data[a:min(len(data), a+seg)]
		m := txtctx.NewModel(len(src), cfg)
		x := txtctx.NewMixer(m)
		base := s.N
		s.Starts = append(s.Starts, base)
		s.growText(len(src))
		for i, y := range src {
			ft := x.Predict(m)
			model.TextFeaturize(feat, m, ft)
			r := base + i
			for j, v := range feat {
				s.Feat[r*model.NFT+j] = float32(v) / featOne
			}
			mixBias(s.Bias[r*256:(r+1)*256], x.LastLogits())
			if i > 0 {
				s.Prev[r] = src[i-1]
			}
			s.Tgt[r] = y
			x.Update(m, y)
			m.Update(y)
		}
		s.N += len(src)
	}
	return s
}

func (s *Set) growText(n int) {
	s.Feat = append(s.Feat, make([]float32, n*model.NFT)...)
	s.Bias = append(s.Bias, make([]int16, n*256)...)
	s.Tgt = append(s.Tgt, make([]uint8, n)...)
	s.Prev = append(s.Prev, make([]uint8, n)...)
}

// renderText writes the text delta logits (nats): delta(c) = o[c] +
// o[256]·mix(c), mix the mixture logits in nats (bias·ln2/256).
func renderText(delta []float32, o []float32, bias []int16) {
	a := o[256] * biasToNat
	for c := range 256 {
		delta[c] = o[c] + a*float32(bias[c])
	}
}

// renderTextBack accumulates dL/do from dL/ddelta.
func renderTextBack(do, dz []float32, bias []int16) {
	var s float32
	for c := range 256 {
		do[c] += dz[c]
		s += dz[c] * float32(bias[c])
	}
	do[256] += s * biasToNat
}
