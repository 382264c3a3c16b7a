package bz2re

import (
	"bytes"
	"fmt"
	"reflect"
)

// Split decompresses src and returns the decompressed bytes with the
// parameters from which Encode rebuilds src exactly. It runs the encoder
// and compares its output with src, so a nil error means Encode(raw, p)
// == src. maxRaw bounds the decompressed size (ErrTooLarge beyond it).
func Split(src []byte, maxRaw int64) (raw []byte, p Params, err error) {
	raw, streams, err := decode(src, maxRaw)
	if err != nil {
		return nil, Params{}, err
	}
	p.Streams = make([]Stream, len(streams))
	sp := &splitPlan{pp: paramsPlan{p: &p}, streams: streams, src: src}
	e := &encoder{plan: sp}
	rawPos := int64(0)
	blk := 0
	for i, s := range streams {
		p.Streams[i] = Stream{Level: s.level, Len: s.rawLen}
		seg := raw[rawPos : rawPos+s.rawLen]
		want := src[s.start:s.end]
		nRot := len(p.Rotations)
		// Lengths above 17 mean 1.0.0-1.0.2; the older limit can also
		// matter without showing in the final tables (an intermediate
		// round's tree), hence the retry.
		first := s.maxCodeLen > maxCodeLen
		var failAt int
		ok := false
		for _, legacy := range []bool{first, !first} {
			p.Streams[i].Legacy = legacy
			p.Streams[i].Finish = false
			p.Rotations = p.Rotations[:nRot]
			sp.pp.next = nRot
			sp.cur, sp.blkBase, sp.want, sp.failAt, sp.checked = i, blk, want, -1, 0
			e.blk = blk
			e.w = bitWriter{out: e.w.out[:0]} // an aborted attempt leaves bits behind
			e.maxLen = maxCodeLen
			if legacy {
				e.maxLen = legacyCodeLen
			}
			err := e.stream(i, seg, s.level)
			if err == nil && bytes.Equal(e.w.out, want) {
				ok = true
				break
			}
			if sp.failAt < 0 {
				sp.failAt = mismatchAt(e.w.out, want)
			}
			if legacy == first {
				failAt = sp.failAt
			}
		}
		if !ok {
			return nil, Params{}, errAt(ErrNotReproducible, int64(s.start+failAt), "stream %d: re-encoded output differs", i)
		}
		blk += len(s.blocks)
		rawPos += s.rawLen
	}
	if len(p.Rotations) == 0 {
		p.Rotations = nil // as UnmarshalBinary returns it, after a rolled-back attempt
	}
	// Only what survives the binary form counts.
	b, err := p.MarshalBinary()
	if err != nil {
		return nil, Params{}, err
	}
	var q Params
	if err := q.UnmarshalBinary(b); err != nil || !reflect.DeepEqual(p, q) {
		return nil, Params{}, fmt.Errorf("%w: parameters do not survive encoding", ErrNotReproducible)
	}
	return raw, p, nil
}

func mismatchAt(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// Encode rebuilds the .bz2 bytes from the decompressed bytes and the
// parameters Split returned.
func Encode(raw []byte, p Params) ([]byte, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if p.totalLen() != int64(len(raw)) {
		return nil, fmt.Errorf("%w: parameters describe %d bytes, got %d", ErrParams, p.totalLen(), len(raw))
	}
	pp := &paramsPlan{p: &p}
	e := &encoder{plan: pp}
	e.w.out = make([]byte, 0, len(raw)/4+64)
	pos := int64(0)
	for i, s := range p.Streams {
		e.maxLen = maxCodeLen
		if s.Legacy {
			e.maxLen = legacyCodeLen
		}
		if err := e.stream(i, raw[pos:pos+s.Len], s.Level); err != nil {
			return nil, err
		}
		pos += s.Len
	}
	if pp.next != len(p.Rotations) {
		return nil, fmt.Errorf("%w: rotation for block %d, which is not periodic", ErrParams, p.Rotations[pp.next].Block)
	}
	return e.w.out, nil
}

// paramsPlan answers the encoder from Params.
type paramsPlan struct {
	p    *Params
	next int // first unused entry of p.Rotations
	// the last prediction, so that Split's lookup is not paid twice
	predBlk, pred int
	predOK        bool
}

func (pp *paramsPlan) predicted(blk int, block []byte, group, k int) int {
	if !pp.predOK || pp.predBlk != blk {
		pp.pred = predictRank(block, group, k)
		pp.predBlk, pp.predOK = blk, true
	}
	return pp.pred
}

func (pp *paramsPlan) rank(blk int, block []byte, group, k int) (int, error) {
	rots := pp.p.Rotations
	if pp.next < len(rots) && rots[pp.next].Block < int64(blk) {
		return 0, fmt.Errorf("%w: rotation for block %d, which is not periodic", ErrParams, rots[pp.next].Block)
	}
	if pp.next < len(rots) && rots[pp.next].Block == int64(blk) {
		r := rots[pp.next].Rank
		pp.next++
		if r >= k {
			return 0, fmt.Errorf("%w: block %d: rank %d of %d", ErrParams, blk, r, k)
		}
		return r, nil
	}
	return pp.predicted(blk, block, group, k), nil
}

func (pp *paramsPlan) mergeTail(stream, blocksDone int) bool {
	return pp.p.Streams[stream].Finish
}

func (pp *paramsPlan) check([]byte) error { return nil }

// splitPlan learns the answers from the parsed original, writes them into
// the Params being built, then answers through paramsPlan so that Split
// exercises Encode's own path.
type splitPlan struct {
	pp      paramsPlan
	streams []streamInfo
	src     []byte
	cur     int    // stream being encoded
	blkBase int    // its first block number
	want    []byte // its original bytes
	checked int    // output bytes already compared
	failAt  int    // first differing byte, -1 while none
}

func (sp *splitPlan) rank(blk int, block []byte, group, k int) (int, error) {
	parsed := sp.streams[sp.cur].blocks
	local := blk - sp.blkBase
	if local >= len(parsed) {
		return 0, ErrNotReproducible
	}
	actual := parsed[local].origPtr - group
	if actual < 0 || actual >= k {
		return 0, ErrNotReproducible
	}
	if actual != sp.pp.predicted(blk, block, group, k) {
		sp.pp.p.Rotations = append(sp.pp.p.Rotations, Rotation{Block: int64(blk), Rank: actual})
	}
	return sp.pp.rank(blk, block, group, k)
}

func (sp *splitPlan) mergeTail(stream, blocksDone int) bool {
	// Merged, the block being filled is the stream's last.
	sp.pp.p.Streams[stream].Finish = blocksDone+1 == len(sp.streams[stream].blocks)
	return sp.pp.mergeTail(stream, blocksDone)
}

func (sp *splitPlan) check(out []byte) error {
	// The last byte may still take bits.
	end := max(len(out)-1, 0)
	if end > len(sp.want) || !bytes.Equal(out[sp.checked:end], sp.want[sp.checked:min(end, len(sp.want))]) {
		sp.failAt = sp.checked + mismatchAt(out[sp.checked:end], sp.want[sp.checked:min(end, len(sp.want))])
		return ErrNotReproducible
	}
	sp.checked = end
	return nil
}
