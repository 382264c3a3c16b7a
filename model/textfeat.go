package model

import (
	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// Text modality inputs. The network reads, for the next byte of a text
// segment, a summary of txtctx's sources and of its mixture (NFT integer
// features, Q10 like the image ones) plus the previous byte as a row of
// the text part of the token table (Net.E), and its head corrects the
// txtctx mixture logits (see renderText).

// NFT is the number of network input features per text byte.
const NFT = 48

// textSources is the number of txtctx sources of txtctx.DefaultConfig
// (orders 1-6 and 8, word, match) the features are laid out for.
const textSources = 9

// NOutT is the text head width: 256 per-byte rows and one row that
// scales the mixture logits.
const NOutT = 257

// TextFeaturize writes the integer network inputs (Q10) for the next
// byte: per source (found, log2(1+total)/4, log2(1+max count)/4,
// log2(1+listed)/4, max count/total), then the mixture's -log2 of its
// most probable byte's probability (ft, the mixer's own table) /4, log2
// of the position in the segment /16, the match length class, and a
// constant. Integer-only: identical on every machine.
func TextFeaturize(dst []int16, m *txtctx.Model, ft *coder.FreqTable) {
	dst = dst[:NFT]
	clear(dst)
	ns := min(m.NumSources(), textSources)
	for s := 0; s < ns; s++ {
		inf := m.Info(s)
		o := dst[5*s : 5*s+5]
		if !inf.Found {
			continue
		}
		o[0] = featOne
		o[1] = int16(log2Q(int32(min(inf.Total, 1<<30))+1) >> 2)
		o[2] = int16(log2Q(int32(min(inf.MaxCnt, 1<<30))+1) >> 2)
		o[3] = int16(log2Q(int32(inf.Distinct)+1) >> 2)
		if inf.Total > 0 {
			o[4] = int16(uint64(min(inf.MaxCnt, inf.Total)) * featOne / uint64(inf.Total))
		}
	}
	var fmax uint32
	for c := 0; c < 256; c++ {
		fmax = max(fmax, ft.Freq(c))
	}
	dst[45] = int16((log2Q(1<<16) - log2Q(int32(max(fmax, 1)))) >> 2)
	dst[46] = int16(log2Q(int32(min(m.Pos(), 1<<30))+1) >> 4)
	dst[47] = featOne
}

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
	s := &Set{NFeat: NFT}
	cfg := txtctx.DefaultConfig()
	feat := make([]int16, NFT)
	for a := 0; a < len(data); a += seg {
		src := data[a:min(len(data), a+seg)]
		m := txtctx.NewModel(len(src), cfg)
		x := txtctx.NewMixer(m)
		base := s.N
		s.Starts = append(s.Starts, base)
		s.growText(len(src))
		for i, y := range src {
			ft := x.Predict(m)
			TextFeaturize(feat, m, ft)
			r := base + i
			for j, v := range feat {
				s.Feat[r*NFT+j] = float32(v) / featOne
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
	s.Feat = append(s.Feat, make([]float32, n*NFT)...)
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
