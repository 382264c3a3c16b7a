package model

import (
	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// Text modality inputs. The network reads, for the next byte of a text
// segment, a summary of txtctx's sources and of its mixture (NFT integer
// features, Q10 like the image ones) plus the previous byte as a row of
// the text part of the token table (QNet.E), and its head corrects the
// txtctx mixture logits (see renderTextQ).

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
