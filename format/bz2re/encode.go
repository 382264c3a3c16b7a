package bz2re

// planner answers what the raw bytes alone do not determine. Encode
// answers from Params; Split answers from the parsed original and records
// the answers in Params.
type planner interface {
	// rank places rotation 0 among the k equal rotations of periodic
	// block blk (numbered from 0 across all streams).
	rank(blk int, block []byte, group, k int) (int, error)
	// mergeTail reports, for a stream whose input ended exactly as a
	// block filled, whether the final run joined that block (one
	// BZ_FINISH call, as BZ2_bzBuffToBuffCompress) or opened a block of
	// its own (BZ_RUN then BZ_FINISH, as the bzip2 tool).
	mergeTail(stream, blocksDone int) bool
	// check sees the output after every block, so that Split stops at
	// the first difference.
	check(out []byte) error
}

type encoder struct {
	w      bitWriter
	rle    rleWriter
	bwt    bwtBuf
	mtfv   []uint16
	freq   [maxAlpha]int32
	tb     tables
	blk    int // blocks written so far, all streams
	maxLen int
	plan   planner
}

// stream appends one complete bzip2 stream of raw to e.w.out.
func (e *encoder) stream(idx int, raw []byte, level int) error {
	e.w.streamHeader(level)
	e.rle.reset(level)
	var comb uint32
	blocks := 0
	emit := func() error {
		crc := ^e.rle.crc
		comb = combineCRC(comb, crc)
		if err := e.block(e.rle.block, crc); err != nil {
			return err
		}
		blocks++
		e.rle.newBlock()
		return nil
	}
	for pos := 0; ; {
		pos += e.rle.fill(raw[pos:])
		if pos == len(raw) {
			break
		}
		if err := emit(); err != nil {
			return err
		}
	}
	if e.rle.full() && !e.plan.mergeTail(idx, blocks) {
		if err := emit(); err != nil {
			return err
		}
	}
	if e.rle.ch >= 0 {
		e.rle.flushRun()
	}
	if len(e.rle.block) > 0 {
		if err := emit(); err != nil {
			return err
		}
	}
	e.w.streamTrailer(comb)
	return nil
}

func (e *encoder) block(block []byte, crc uint32) error {
	n := len(block)
	last, group, k := e.bwt.transform(block)
	origPtr := group
	if k > 1 {
		r, err := e.plan.rank(e.blk, block, group, k)
		if err != nil {
			return err
		}
		origPtr += r
	}
	e.blk++
	e.mtfv = grow(e.mtfv, n+1)
	nMTF, inUse, nInUse := mtfValues(last, e.mtfv, e.freq[:])
	alphaSize := nInUse + 2
	mtfv := e.mtfv[:nMTF]
	e.tb.build(mtfv, e.freq[:], alphaSize, e.maxLen)
	e.w.block(crc, origPtr, inUse, mtfv, &e.tb, alphaSize)
	return e.plan.check(e.w.out)
}
