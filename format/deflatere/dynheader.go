package deflatere

import "bytes"

// Version 2 side data: a dynamic block's header is not stored; its code
// lengths are coded in the token stream, before the block's tokens,
// against a prediction, and the header's run-length coding as the index
// of the deterministic encoder (zopfli, zlib) that writes it.
//
// The prediction: starting from the previous dynamic block's code lengths
// (the fixed code's for the first), predIters times: parse the block
// under these lengths (a missing code costs missCost bits), refine once
// on the parse's own statistics, and rebuild the lengths from the
// parse's symbol counts with the builder of the previous block (the one
// that reproduces its lengths from its tokens: zopfli's with RLE
// smoothing, zlib's, or zopfli's plain).

const (
	predIters = 2
	missCost  = 16
	nBuilders = 3
)

// lenCostsAll are code lengths as costs, a missing code costing missCost.
func lenCostsAll(lit *[288]uint8, dist *[32]uint8) *costs {
	var ll [288]int32
	var dl [32]int32
	for i := range ll {
		ll[i] = int32(max(lit[i], 0)) * costOne
		if lit[i] == 0 {
			ll[i] = missCost * costOne
		}
	}
	for i := range dl {
		dl[i] = int32(dist[i]) * costOne
		if dist[i] == 0 {
			dl[i] = missCost * costOne
		}
	}
	return symCosts(nil, &ll, &dl)
}

// buildLens builds code lengths from symbol counts: kind 0 zopfli with
// RLE smoothing, 1 zlib, 2 zopfli plain.
func buildLens(kind int, ll *[288]uint32, dl *[32]uint32, L *[288]uint8, D *[32]uint8) {
	*L, *D = [288]uint8{}, [32]uint8{}
	switch kind {
	case 1:
		zlibLengths(ll[:286], 15, L[:286])
		zlibLengths(dl[:30], 15, D[:30])
		return
	case 0:
		l2, d2 := *ll, *dl
		rleOptimize(l2[:286])
		rleOptimize(d2[:30])
		pmLengths(l2[:286], 15, L[:286])
		pmLengths(d2[:30], 15, D[:30])
	default:
		pmLengths(ll[:286], 15, L[:286])
		pmLengths(dl[:30], 15, D[:30])
	}
	patchDist(D[:])
}

// tokenCounts are the symbol counts of a block's tokens.
func tokenCounts(toks []uint32, ll *[288]uint32, dl *[32]uint32) {
	*ll, *dl = [288]uint32{}, [32]uint32{}
	ll[256] = 1
	for _, t := range toks {
		if t&matchFlag == 0 {
			ll[t]++
			continue
		}
		ll[257+int(lenSym[tokLen(t)])]++
		dl[distSym(tokDist(t))]++
	}
}

// builderOf is the first builder that reproduces b's lengths from toks
// (def if none does).
func builderOf(b *block, toks []uint32, def int) int {
	var ll [288]uint32
	var dl [32]uint32
	tokenCounts(toks, &ll, &dl)
	for k := 0; k < nBuilders; k++ {
		var L [288]uint8
		var D [32]uint8
		buildLens(k, &ll, &dl, &L, &D)
		if L == b.lit && D == b.dist {
			return k
		}
	}
	return def
}

// hdrModel holds the adaptive probabilities of the header coding.
type hdrModel struct {
	verbatim bitModel
	zero     [3][16][2]bitModel
	eq       [3][16][3]bitModel
	up       [3][16]bitModel
	mag      [3][4]bitModel
	cand     [16]bitModel
}

// nCands is the number of header writers tried: zopfli's best, zlib's,
// zopfli's eight repeat-code choices.
const nCands = 10

func writeCand(k int, b *block, w *bitWriter) {
	switch k {
	case 0:
		headerZopfliBest(b.lit[:], b.dist[:], w)
	case 1:
		headerZlib(b.lit[:], b.dist[:], w)
	default:
		v := k - 2
		headerZopfli(b.lit[:], b.dist[:], v&1 != 0, v&2 != 0, v&4 != 0, w)
	}
}

// codeLen codes one code length v (enc) against prediction p and the
// previous block's q; class 0 literal, 1 end/length, 2 distance.
func (md *hdrModel) codeLen(c bitCoder, cl int, p, q, v uint8) uint8 {
	setCat(6 + cl)
	if c.bit(&md.zero[cl][p][b2i(q == 0)], b2i(v == 0)) == 1 {
		return 0
	}
	r := p
	if r == 0 {
		r = q
	}
	if r == 0 {
		r = 8
	}
	rel := 0
	switch {
	case p == 0:
		rel = 2
	case q == r:
		rel = 1
	}
	if c.bit(&md.eq[cl][r][rel], b2i(v == r)) == 1 {
		return r
	}
	up := c.bit(&md.up[cl][r], b2i(v > r))
	lim := int(r) - 1 // steps available
	if up == 1 {
		lim = 15 - int(r)
	}
	if lim <= 0 {
		return 0xff // impossible direction: malformed
	}
	d := 1
	for d < lim && c.bit(&md.mag[cl][min(d-1, 3)], b2i(int(absDiff(uint64(v), uint64(r))) > d)) == 1 {
		d++
	}
	if up == 1 {
		return r + uint8(d)
	}
	return r - uint8(d)
}

// predictLens is the version 2 prediction of a dynamic block's code
// lengths from its match records in pl, given the previous dynamic block
// prev (nil if none) and its builder kind. It leaves pl's parse
// undefined.
func predictLens(pl *plan, data []byte, prev *block, kind int, L *[288]uint8, D *[32]uint8) {
	*L, *D = fixedLit, fixedDist
	if prev != nil {
		*L, *D = prev.lit, prev.dist
	}
	for it := 0; it < predIters; it++ {
		pl.parse(data, lenCostsAll(L, D))
		pl.refine(data, nil, 1)
		var ll [288]uint32
		var dl [32]uint32
		pl.counts(data, &ll, &dl)
		buildLens(kind, &ll, &dl, L, D)
	}
}

// codeHeader codes (enc: b holds the header) or decodes (b gets lit,
// dist, hdr, hdrBits) the dynamic header of block b, which starts at
// byte pos of the data, given the previous dynamic block prev (nil if
// none), against the code lengths predict gives (called only when the
// header is not kept verbatim).
func (md *hdrModel) codeHeader(c bitCoder, enc bool, pos int, b, prev *block, predict func(L *[288]uint8, D *[32]uint8)) error {
	cand := -1
	if enc {
		for k := 0; k < nCands; k++ {
			var w bitWriter
			writeCand(k, b, &w)
			if w.bitPos() == b.hdrBits && bytes.Equal(w.bytes(), b.hdr) {
				cand = k
				break
			}
		}
	}
	setCat(5)
	if c.bit(&md.verbatim, b2i(cand < 0)) == 1 {
		// a header no known writer produces: its bits, raw
		n := int(c.raw(uint32(b.hdrBits), 16))
		hdr := b.hdr
		if !enc {
			hdr = make([]byte, (n+7)/8)
		}
		for i := range hdr {
			hdr[i] = byte(c.raw(uint32(hdr[i]), 8))
		}
		if !enc {
			b.hdr, b.hdrBits = hdr, n
			br := &bitReader{b: hdr}
			if err := readDynamicHeader(br, b, pos); err != nil {
				return err
			}
			if br.bitPos() != n {
				return errf(ErrFormat, pos, "side data: header length")
			}
		}
		return nil
	}
	var L [288]uint8
	var D [32]uint8
	predict(&L, &D)
	var q [288]uint8
	var qd [32]uint8
	if prev != nil {
		q, qd = prev.lit, prev.dist
	}
	for i := 0; i < 286; i++ {
		v := md.codeLen(c, b2i(i >= 256), L[i], q[i], b.lit[i])
		if v > 15 {
			return errf(ErrFormat, pos, "side data: code length")
		}
		b.lit[i] = v
	}
	for i := 0; i < 30; i++ {
		v := md.codeLen(c, 2, D[i], qd[i], b.dist[i])
		if v > 15 {
			return errf(ErrFormat, pos, "side data: code length")
		}
		b.dist[i] = v
	}
	k := codeTree(c, md.cand[:], 4, cand)
	if enc {
		return nil
	}
	if k >= nCands || b.lit[256] == 0 || !kraftOK(b.lit[:]) || !kraftOK(b.dist[:]) {
		return errf(ErrFormat, pos, "side data: dynamic header")
	}
	var w bitWriter
	writeCand(k, b, &w)
	b.hdr, b.hdrBits = w.bytes(), w.bitPos()
	return nil
}

// kraftOK reports whether the code lengths are not oversubscribed.
func kraftOK(lens []uint8) bool {
	sum := 0
	for _, l := range lens {
		if l != 0 {
			sum += 1 << (15 - l)
		}
	}
	return sum <= 1<<15
}
