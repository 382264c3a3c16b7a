package deflatere

import "bytes"

// Layout version 3 (ZlibEmulated): each stream first says, in the Tokens
// part, whether its tokens are coded against zlib's own parse (zlibemu.go)
// instead of the reference parse, and with which configuration. A stream
// zlib wrote then costs a fraction of a bit per token; any other goes the
// version 2 way.

// emuModel holds the adaptive probabilities of a stream coded against
// the zlib emulation.
type emuModel struct {
	eq      [4]bitModel // token = prediction, by predicted kind and previous miss
	hdrZlib bitModel    // a dynamic header = zlib's for its tokens
	lit     bitModel    // a match predicted, a literal found
	lenTree [256]bitModel
	dsym    [32]bitModel
}

// zlibCandidates are the configurations an encoder tries for s, the most
// likely first: the levels the zlib header's FLEVEL names (all for a raw
// stream), Z_FILTERED (libpng's choice for filtered rows) before the
// default strategy, memLevel 8 (zlib's default), then 9, then smaller.
func zlibCandidates(s *Stream) []zlibConfig {
	wb := 15
	levels := []int{6, 9, 1, 5, 4, 3, 2, 7, 8}
	if s.zlib {
		wb = int(s.zhdr[0]>>4) + 8
		levels = [4][]int{{1}, {5, 4, 3, 2}, {6}, {9, 8, 7}}[s.zhdr[1]>>6]
	}
	var out []zlibConfig
	for _, hb := range []int{15, 16, 14, 13, 12, 11, 10, 9, 8} {
		for _, lv := range levels {
			out = append(out, levelConfig(lv, lv >= 4, wb, hb))
			if lv >= 4 {
				out = append(out, levelConfig(lv, false, wb, hb))
			}
		}
	}
	return out
}

// runStored moves the emulator over a stored block ending at end: zlib
// parsed it as any other and then chose to store it, so the emulator
// follows its own tokens.
func (z *zlibEmu) runStored(end int) {
	for z.t < end {
		z.follow(z.predict())
	}
	if z.t > end {
		z.t, z.carried = end, false
	}
}

// zlibMisses is the number of tokens of s that the emulation cfg
// mispredicts, or -1 once more than 8 + 1/64 of those so far are, or
// limit are (limit >= 0), or once its work passes allow + rate*(p+1) at
// position p (rate > 0).
func zlibMisses(s *Stream, toks [][]uint32, data []byte, cfg zlibConfig, limit int, rate, allow int64) (int, int64) {
	z := newZlibEmu(data, cfg)
	miss, n, pos := 0, 0, 0
	for i := range s.blocks {
		end := pos + s.blocks[i].raw
		if s.blocks[i].typ == blockStored {
			z.runStored(end)
		}
		for _, tk := range toks[i] {
			if z.predict() != tk {
				miss++
				if miss > 8+n/64 || miss == limit {
					return -1, z.work
				}
			}
			n++
			z.follow(tk)
			if rate > 0 && z.work > allow+rate*int64(z.t+1) {
				return -1, z.work
			}
		}
		pos = end
	}
	return miss, z.work
}

// chooseZlib returns the candidate configuration that mispredicts the
// fewest tokens of s (the first of those), trying them in order until one
// mispredicts at most 2 + 1/4096 of them or twelve have run to the end
// (a stream of an encoder that is almost zlib would otherwise run every
// candidate through; a wrong memLevel mispredicts ~1 % of the tokens, and
// there are nine); ok is false if none does within zlibMisses'
// bounds.
func chooseZlib(s *Stream, toks [][]uint32, data []byte, rate, allow int64) (cfg zlibConfig, ok bool, work int64) {
	if forceZlib != nil {
		return *forceZlib, true, 0
	}
	ntok := 0
	for _, t := range toks {
		ntok += len(t)
	}
	if ntok == 0 {
		return cfg, false, 0
	}
	best, ran := -1, 0
	for _, c := range zlibCandidates(s) {
		m, w := zlibMisses(s, toks, data, c, best, rate, allow-work)
		work += w
		if m < 0 {
			continue
		}
		ran++
		if best < 0 || m < best {
			best, cfg = m, c
		}
		if best <= 2+ntok/4096 || ran == 12 {
			break
		}
	}
	return cfg, best >= 0, work
}

// forceZlib, when set (tests), is the configuration chooseZlib returns
// for every stream, however badly it predicts.
var forceZlib *zlibConfig

// codeConfig codes cfg's level, strategy, hash and window bits raw.
func codeConfig(c bitCoder, cfg zlibConfig, base int) (zlibConfig, error) {
	level := int(c.raw(uint32(cfg.level), 4))
	filtered := c.raw(uint32(b2i(cfg.filtered)), 1) == 1
	hb := 8 + int(c.raw(uint32(cfg.hbits-8), 4))
	wb := 8 + int(c.raw(uint32(cfg.wbits-8), 3))
	if level < 1 || level > 9 || hb > 16 || filtered && level < 4 {
		return cfg, errf(ErrFormat, base, "side data: zlib configuration level %d, hash bits %d", level, hb)
	}
	return levelConfig(level, filtered, wb, hb), nil
}

// codeZlib codes (enc: toks, each block's tokens, given) or decodes
// whether s is coded against the zlib emulation and, if so, its
// configuration and tokens (then emulated is true). Its work is bounded as in zlibMisses.
func codeZlib(c bitCoder, s *Stream, data []byte, toks [][]uint32, rate, allow int64) (out [][]uint32, work int64, emulated bool, err error) {
	enc := toks != nil
	var cfg zlibConfig
	var use bitModel
	if enc {
		cfg, emulated, work = chooseZlib(s, toks, data, rate, allow)
	}
	setCat(0)
	if c.bit(&use, b2i(emulated)) == 0 {
		return nil, work, false, nil
	}
	if cfg, err = codeConfig(c, cfg, 0); err != nil {
		return nil, work, true, err
	}
	z := newZlibEmu(data, cfg)
	md := &emuModel{}
	hm := &hdrModel{}
	var prev *block
	kind := 1 // zlib's code lengths
	out = make([][]uint32, len(s.blocks))
	pos := 0
	for i := range s.blocks {
		b := &s.blocks[i]
		end := pos + b.raw
		if end > len(data) {
			return nil, work, true, errf(ErrFormat, pos, "side data: blocks longer than the data")
		}
		if b.typ == blockStored {
			z.runStored(end)
			pos = end
			continue
		}
		var in []uint32
		if enc {
			in = toks[i]
		}
		t, err := md.codeBlock(c, z, data, pos, end, enc, in)
		if err != nil {
			return nil, work, true, err
		}
		out[i] = t
		if b.typ == blockDynamic {
			if err := md.codeZlibHeader(c, hm, enc, pos, b, prev, t, kind); err != nil {
				return nil, work, true, err
			}
			kind = builderOf(b, t, kind)
			prev = b
		}
		pos = end
	}
	if pos != len(data) {
		return nil, work, true, errf(ErrFormat, pos, "side data: blocks cover %d of %d bytes", pos, len(data))
	}
	return out, work + z.work, true, nil
}

// codeBlock codes (enc: toks given) or decodes the tokens of the block
// [s, e) against the emulator z, which stands at s.
func (md *emuModel) codeBlock(c bitCoder, z *zlibEmu, data []byte, s, e int, enc bool, toks []uint32) ([]uint32, error) {
	var out []uint32
	ti, miss := 0, 0
	for t := s; t < e; {
		var tok uint32
		if enc {
			if ti >= len(toks) {
				return nil, errf(ErrFormat, t, "tokens end before the block")
			}
			tok = toks[ti]
			ti++
		}
		pred := z.predict()
		pm := b2i(pred&matchFlag != 0)
		setCat(1 + pm)
		if c.bit(&md.eq[pm*2+miss], b2i(tok == pred)) == 1 {
			tok, miss = pred, 0
		} else {
			miss = 1
			setCat(3)
			if pm == 1 && c.bit(&md.lit, b2i(tok&matchFlag == 0)) == 1 {
				tok = uint32(data[t])
			} else {
				L := 3 + codeTree(c, md.lenTree[:], 8, tokLen(tok)-3)
				setCat(4)
				ds := 0
				if enc {
					ds = distSym(tokDist(tok))
				}
				ds = codeTree(c, md.dsym[:], 5, ds)
				if ds >= 30 {
					return nil, errf(ErrFormat, t, "side data: distance symbol %d", ds)
				}
				D := distBase[ds] + int(c.raw(uint32(tokDist(tok)-distBase[ds]), distExtra[ds]))
				tok = matchTok(L, D)
			}
		}
		n := 1
		if tok&matchFlag != 0 {
			n = tokLen(tok)
			if n > e-t {
				return nil, errf(ErrFormat, t, "side data: match length %d past the block end", n)
			}
			if tokDist(tok) > t {
				return nil, errf(ErrFormat, t, "side data: distance %d before the start", tokDist(tok))
			}
		}
		out = append(out, tok)
		z.follow(tok)
		t += n
	}
	if enc && ti != len(toks) {
		return nil, errf(ErrFormat, e, "tokens past the block end")
	}
	return out, nil
}

// codeZlibHeader codes (enc: b holds the header) or decodes the dynamic
// header of block b, at pos, after its tokens toks: one bit when it is
// the header zlib writes for them (its code lengths and its run-length
// coding), else as version 2 does, against the lengths that the builder
// kind gives for toks.
func (md *emuModel) codeZlibHeader(c bitCoder, hm *hdrModel, enc bool, pos int, b, prev *block, toks []uint32, kind int) error {
	var ll [288]uint32
	var dl [32]uint32
	tokenCounts(toks, &ll, &dl)
	var z block
	var w bitWriter
	exact := false
	if enc {
		buildLens(1, &ll, &dl, &z.lit, &z.dist)
		writeCand(1, &z, &w)
		exact = z.lit == b.lit && z.dist == b.dist && w.bitPos() == b.hdrBits && bytes.Equal(w.bytes(), b.hdr)
	}
	setCat(5)
	if c.bit(&md.hdrZlib, b2i(exact)) == 1 {
		if !enc {
			buildLens(1, &ll, &dl, &b.lit, &b.dist)
			writeCand(1, b, &w)
			b.hdr, b.hdrBits = w.bytes(), w.bitPos()
		}
		return nil
	}
	predict := func(L *[288]uint8, D *[32]uint8) { buildLens(kind, &ll, &dl, L, D) }
	return hm.codeHeader(c, enc, pos, b, prev, predict)
}
