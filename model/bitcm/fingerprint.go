package bitcm

import (
	"crypto/sha256"
	"fmt"
)

// Fingerprint identifies the model a stream of cfg was coded with: the
// normalised configuration and the model version. A codec stores it
// beside its streams so that a binary whose model differs fails clearly
// instead of decoding garbage into a checksum error.
func Fingerprint(cfg Config) [8]byte {
	c := cfg.normalized()
	s := sha256.Sum256(fmt.Appendf(nil, "bitcm/1 orders=%v word=%t word2=%t column=%t match=%d tb=%d limit=%d mixlr=%d finallr=%d w=%d,%d",
		c.Orders, c.Word, c.Word2, c.Column, c.MatchMin, c.TableBits, c.Limit, c.MixLR, c.FinalLR, c.W0, c.W1))
	s = sha256.Sum256(fmt.Appendf(s[:], " mixlr-end=%d decay=%d", c.MixLREnd, c.MixDecay))
	if c.Sparse || c.Stride > 0 {
		// The binary model's fields are hashed only when set, so the
		// text model's fingerprint does not depend on them. The
		// construction is frozen: fingerprints are stored in archives
		// and pinned by TestGolden.
		s = sha256.Sum256(fmt.Appendf(s[:], " sparse=%t stride=%d", c.Sparse, c.Stride))
	}
	if c.Indirect || c.WordSkip || c.Nest || c.Shape || c.Mix2 {
		s = sha256.Sum256(fmt.Appendf(s[:], " v2 indirect=%t wordskip=%t nest=%t shape=%t mix2=%t", c.Indirect, c.WordSkip, c.Nest, c.Shape, c.Mix2))
	}
	if c.version3() {
		s = sha256.Sum256(fmt.Appendf(s[:], " v3 linestart=%t lineword=%t wordnext=%t calls=%t punct=%t above2=%t",
			c.LineStart, c.LineWord, c.WordNext, c.Calls, c.Punct, c.Above2))
		if c.SmallBits != 0 {
			s = sha256.Sum256(fmt.Appendf(s[:], " small=%d", c.SmallBits))
		}
	}
	if c.SmallMore || c.Match2Min != 0 || c.Tree {
		s = sha256.Sum256(fmt.Appendf(s[:], " v4 smallmore=%t match2=%d tree=%t", c.SmallMore, c.Match2Min, c.Tree))
	}
	switch c.WordCode {
	case 1:
		s = sha256.Sum256(fmt.Appendf(s[:], " v5 wordcode=%x", textWords().sum))
	case 2:
		s = sha256.Sum256(fmt.Appendf(s[:], " v6 wordcode=%x textcolumns=%t", textWords6().sum, c.TextColumns))
	}
	if c.TransformTree {
		s = sha256.Sum256(fmt.Appendf(s[:], " v7 transformtree=%x", transformTree().code))
	}
	if c.HistDepth || c.SSE3 {
		s = sha256.Sum256(fmt.Appendf(s[:], " v8 histdepth=%t sse3=%t", c.HistDepth, c.SSE3))
	}
	if c.Warm != nil {
		s = sha256.Sum256(fmt.Appendf(s[:], " warm=%x", c.Warm.sum))
	}
	if len(c.Primer) > 0 {
		// Hashed only when set, as the fields above.
		s = sha256.Sum256(fmt.Appendf(s[:], " primer=%x", sha256.Sum256(c.Primer)))
	}
	var f [8]byte
	copy(f[:], s[:])
	return f
}
