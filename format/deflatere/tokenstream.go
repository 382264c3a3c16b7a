package deflatere

// tokenModel holds the adaptive probabilities of the correction stream
// (see the package documentation for the contexts).
type tokenModel struct {
	flag    [1 + nMargin*2*4*2*2]bitModel
	lenEq0  [4]bitModel
	lenEq   [2 * 4]bitModel
	lenEqM  [4]bitModel
	lenTree [256]bitModel
	distEq  [2 * 3]bitModel
	dsym    [32]bitModel
}

func mBucket(m int) int {
	switch {
	case m <= 3:
		return 0
	case m == 4:
		return 1
	case m <= 8:
		return 2
	}
	return 3
}

// marginBuckets are the upper bounds (1/16 bit) of the margin buckets.
var marginBuckets = [...]int8{-64, -32, -16, -8, -4, -2, -1, 0, 1, 3, 7, 15, 31, 63, 127}

const nMargin = len(marginBuckets)

func marginBucket(g int8) int {
	for i, b := range marginBuckets {
		if g <= b {
			return i
		}
	}
	return nMargin - 1
}

// codeBlock codes (enc: toks given) or decodes (toks nil) the tokens of
// one Huffman-coded block against its plan. It returns the tokens.
func (md *tokenModel) codeBlock(c bitCoder, pl *plan, data []byte, toks []uint32, out []uint32) ([]uint32, error) {
	n := pl.e - pl.s
	enc := toks != nil
	ti, prevMatch := 0, 0
	for i := 0; i < n; {
		var t uint32
		if enc {
			if ti >= len(toks) {
				return out, errf(ErrFormat, pl.s+i, "tokens end before the block")
			}
			t = toks[ti]
			ti++
		}
		M := pl.maxLenAt(i)
		ctx := 0
		choice := pl.choice[i]
		if M >= minMatch {
			ctx = 1 + (((marginBucket(pl.margin[i])*2+b2i(pl.choice0[i] != 0))*4+mBucket(M))*2+b2i(pl.maxLenAt(i+1) > M))*2 + prevMatch
		}
		setCat(0)
		if M >= minMatch {
			setCat(1 + b2i(choice != 0))
		}
		if c.bit(&md.flag[ctx], int(t>>31)) == 0 {
			out = append(out, uint32(data[pl.s+i]))
			i++
			prevMatch = 0
			continue
		}
		prevMatch = 1
		L, D := tokLen(t), tokDist(t)
		lp := int(choice >> 16)
		if lp == 0 {
			lp = M
		}
		lp0 := int(pl.choice0[i] >> 16)
		eqLen := false
		setCat(3)
		switch {
		case M < minMatch:
			L = 3 + codeTree(c, md.lenTree[:], 8, L-3)
		case c.bit(&md.lenEq[b2i(choice != 0)*4+mBucket(M)], b2i(L == lp)) == 1:
			L, eqLen = lp, true
		case lp0 != 0 && lp0 != lp && c.bit(&md.lenEq0[mBucket(M)], b2i(L == lp0)) == 1:
			L = lp0
		case lp != M && lp0 != M && c.bit(&md.lenEqM[mBucket(M)], b2i(L == M)) == 1:
			L = M
		default:
			L = 3 + codeTree(c, md.lenTree[:], 8, L-3)
		}
		if L > n-i {
			return out, errf(ErrFormat, pl.s+i, "side data: match length %d past the block end", L)
		}
		dp := pl.nearest(i, L)
		setCat(4)
		if dp == 0 || c.bit(&md.distEq[b2i(eqLen)*3+min(L-3, 2)], b2i(D == dp)) == 0 {
			ds := 0
			if enc {
				ds = distSym(D)
			}
			ds = codeTree(c, md.dsym[:], 5, ds)
			if ds >= 30 {
				return out, errf(ErrFormat, pl.s+i, "side data: distance symbol %d", ds)
			}
			D = distBase[ds] + int(c.raw(uint32(D-distBase[ds]), distExtra[ds]))
		} else {
			D = dp
		}
		if D > pl.s+i {
			return out, errf(ErrFormat, pl.s+i, "side data: distance %d before the start", D)
		}
		out = append(out, matchTok(L, D))
		i += L
	}
	if enc && ti != len(toks) {
		return out, errf(ErrFormat, pl.e, "tokens past the block end")
	}
	return out, nil
}

// blockTokens splits the stream's tokens per block.
func blockTokens(s *Stream) ([][]uint32, error) {
	out := make([][]uint32, len(s.blocks))
	ti := 0
	for i := range s.blocks {
		b := &s.blocks[i]
		if b.typ == blockStored {
			continue
		}
		start, raw := ti, 0
		for raw < b.raw {
			if ti >= len(s.tokens) {
				return nil, errf(ErrFormat, 0, "tokens end early")
			}
			t := s.tokens[ti]
			if t&matchFlag != 0 {
				raw += tokLen(t)
			} else {
				raw++
			}
			ti++
		}
		out[i] = s.tokens[start:ti]
	}
	return out, nil
}

// codeTokens runs the reference tokenizer over every block and codes the
// corrections (enc: toks per block given) or decodes them. With rate > 0,
// the match search may do allow + rate*(p+1) units of work (matcher.work)
// up to position p of data, or it stops with ErrBudget; it returns the
// work it did.
func codeTokens(c bitCoder, s *Stream, data []byte, toks [][]uint32, version int, rate, allow int64) ([][]uint32, int64, error) {
	var zwork int64
	if version >= ZlibEmulated {
		out, work, emulated, err := codeZlib(c, s, data, toks, rate, allow)
		if err != nil || emulated {
			return out, work, err
		}
		zwork = work
	}
	m := newMatcher(data)
	m.rate, m.allow = rate, allow-zwork
	md := &tokenModel{}
	hm := &hdrModel{}
	var prev *block
	kind := 0
	var pl plan
	out := make([][]uint32, len(s.blocks))
	pos := 0
	for i := range s.blocks {
		b := &s.blocks[i]
		if pos+b.raw > len(data) {
			return nil, 0, errf(ErrFormat, pos, "side data: blocks longer than the data")
		}
		if b.typ != blockStored {
			dyn2 := version >= 2 && b.typ == blockDynamic
			if dyn2 {
				if err := pl.findAll(m, pos, pos+b.raw); err != nil {
					return nil, 0, err
				}
				predict := func(L *[288]uint8, D *[32]uint8) { predictLens(&pl, data, prev, kind, L, D) }
				if err := hm.codeHeader(c, toks != nil, pos, b, prev, predict); err != nil {
					return nil, 0, err
				}
				pl.parseBlock(data, b)
			} else if err := newPlan(m, pos, pos+b.raw, b, &pl); err != nil {
				return nil, 0, err
			}
			var in []uint32
			if toks != nil {
				in = toks[i]
				if in == nil {
					in = []uint32{}
				}
			}
			t, err := md.codeBlock(c, &pl, data, in, nil)
			if err != nil {
				return nil, 0, err
			}
			out[i] = t
			if dyn2 {
				kind = builderOf(b, t, kind)
				prev = b
			}
		}
		pos += b.raw
		m.insertUpTo(pos)
	}
	if pos != len(data) {
		return nil, 0, errf(ErrFormat, pos, "side data: blocks cover %d of %d bytes", pos, len(data))
	}
	return out, m.work + zwork, nil
}
