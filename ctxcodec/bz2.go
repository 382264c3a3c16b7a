package ctxcodec

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/bitcm"
	"github.com/dcar-archiver/dcar/bz2re"
	"github.com/dcar-archiver/dcar/format"
)

// cm-bz2 (codec 22): a bzip2 file is split by package bz2re into its
// decompressed bytes and the few bytes of parameters that rebuild the
// exact file; the decompressed bytes are coded by bitcm in independent
// segments. bzip2 leaves much on the table for text and structured
// data, and a .bz2 is otherwise incompressible.

const (
	// bz2Segment is the length of the bitcm segments the decompressed
	// bytes are cut into (the last may be shorter): they are coded in
	// parallel. Longer segments code better (dickens: 2.7 % smaller in
	// one 10 MB segment than in 4 MiB ones).
	bz2Segment = 16 << 20
	// bz2Trial is how much of a segment is coded with both models to
	// choose one.
	bz2Trial = 256 << 10
	// maxBZ2Raw bounds the decompressed bytes of a cm-bz2 entry: at most
	// maxBZ2Expansion times the file plus 1 MiB, and maxBZ2Raw in all,
	// so a decoder's memory stays bounded whatever the payload claims.
	// Files that expand more stay zstd.
	maxBZ2Expansion = 32
	maxBZ2Raw       = 256 << 20
)

func init() {
	archive.RegisterCodec(format.CodecCMBZ2, "cm-bz2", cmBZ2{})
	archive.RegisterPlanner(planBZ2)
}

func bz2RawLimit(fileLen int) int64 {
	return min(int64(maxBZ2Expansion)*int64(fileLen)+1<<20, maxBZ2Raw)
}

// planBZ2 routes bzip2 files that bz2re rebuilds exactly to cm-bz2, as
// one block. bz2re.Split runs the full rebuild and compares, so a file it
// accepts is known to come back; others stay zstd (a codec error would
// fail the whole archive).
func planBZ2(k archive.Kind, r io.ReaderAt, size int64) (archive.Choice, bool) {
	if k.MIME != "application/x-bzip2" || size == 0 || size > format.MaxBlockSize {
		return archive.Choice{}, false
	}
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil {
		return archive.Choice{}, false
	}
	if _, _, err := bz2re.Split(data, bz2RawLimit(len(data))); err != nil {
		return archive.Choice{}, false
	}
	fp := bz2Fingerprint()
	return archive.Choice{Codec: format.CodecCMBZ2, Params: append([]byte{paramsVersion}, fp[:]...), BlockSize: int(size)}, true
}

// bz2Fingerprint names the two bitcm models a cm-bz2 segment may use:
// text (DefaultConfig) and binary (BinaryConfig, whose stride is data).
func bz2Fingerprint() [8]byte {
	t, b := bitcm.Fingerprint(bitcm.DefaultConfig()), bitcm.Fingerprint(bitcm.BinaryConfig(1))
	s := sha256.Sum256(append(append([]byte("cm-bz2/1 "), t[:]...), b[:]...))
	return [8]byte(s[:8])
}

// Segment models: byte 0 is followed by nothing (text: DefaultConfig),
// byte 1 by a uvarint stride (binary: BinaryConfig(stride)).
const (
	segText   = 0
	segBinary = 1
)

// chooseModel picks the model of a segment by coding its first bz2Trial
// bytes with both (the binary one with the detected stride) and returns
// its header and configuration.
func chooseModel(seg []byte) ([]byte, bitcm.Config, error) {
	trial := seg[:min(len(seg), bz2Trial)]
	stride := bitcm.DetectStride(seg)
	bin := bitcm.BinaryConfig(stride)
	a, err := bitcm.Encode(trial, bitcm.DefaultConfig())
	if err != nil {
		return nil, bin, err
	}
	b, err := bitcm.Encode(trial, bin)
	if err != nil {
		return nil, bin, err
	}
	if len(a) <= len(b) {
		return []byte{segText}, bitcm.DefaultConfig(), nil
	}
	return binary.AppendUvarint([]byte{segBinary}, uint64(stride)), bin, nil
}

// segModel reads a segment's model header.
func segModel(src []byte) (bitcm.Config, int, error) {
	if len(src) == 0 {
		return bitcm.Config{}, 0, fmt.Errorf("no model byte")
	}
	switch src[0] {
	case segText:
		return bitcm.DefaultConfig(), 1, nil
	case segBinary:
		s, k := binary.Uvarint(src[1:])
		if k <= 0 || s > bitcm.MaxStride {
			return bitcm.Config{}, 0, fmt.Errorf("bad stride")
		}
		return bitcm.BinaryConfig(int(s)), 1 + k, nil
	}
	return bitcm.Config{}, 0, fmt.Errorf("unknown model %d", src[0])
}

type cmBZ2 struct{}

func (cmBZ2) check(b archive.Block) error {
	if len(b.Params) != 9 {
		return fmt.Errorf("%w (cm-bz2 parameters of %d bytes)", ErrParams, len(b.Params))
	}
	if err := checkParams(b.Params, "cm-bz2", bz2Fingerprint()); err != nil {
		return err
	}
	if b.Offset != 0 {
		return fmt.Errorf("%w: cm-bz2 entry in more than one block", format.ErrCorrupt)
	}
	return nil
}

// Payload of a cm-bz2 block (the whole file):
//
//	uvarint  P, then P bytes: bz2re.Params.MarshalBinary
//	uvarint  N, the decompressed length
//	for each segment of bz2Segment bytes of the N (the last may be
//	shorter): uvarint L, then L bytes: the model header (segText, or
//	segBinary and a uvarint stride) and the bitcm stream
func (c cmBZ2) Compress(dst, src []byte, b archive.Block) ([]byte, error) {
	if err := c.check(b); err != nil {
		return dst, err
	}
	raw, p, err := bz2re.Split(src, bz2RawLimit(len(src)))
	if err != nil {
		return dst, err
	}
	side, err := p.MarshalBinary()
	if err != nil {
		return dst, err
	}
	dst = binary.AppendUvarint(dst, uint64(len(side)))
	dst = append(dst, side...)
	dst = binary.AppendUvarint(dst, uint64(len(raw)))
	segs := make([][]byte, (len(raw)+bz2Segment-1)/bz2Segment)
	err = eachSegment(len(segs), func(i int) error {
		s := raw[i*bz2Segment : min((i+1)*bz2Segment, len(raw))]
		hdr, cfg, err := chooseModel(s)
		if err != nil {
			return err
		}
		out, err := bitcm.Encode(s, cfg)
		segs[i] = append(hdr, out...)
		return err
	})
	if err != nil {
		return dst, err
	}
	for _, s := range segs {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return dst, nil
}

func (c cmBZ2) Decompress(dst, src []byte, rawLen int, b archive.Block) ([]byte, error) {
	if err := c.check(b); err != nil {
		return dst, err
	}
	bad := func(what string) error { return fmt.Errorf("%w: cm-bz2 %s", format.ErrCorrupt, what) }
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return dst, bad("parameter length")
	}
	var p bz2re.Params
	if err := p.UnmarshalBinary(src[k : k+int(n)]); err != nil {
		return dst, fmt.Errorf("%w: cm-bz2: %v", format.ErrCorrupt, err)
	}
	src = src[k+int(n):]
	n, k = binary.Uvarint(src)
	if k <= 0 || n > uint64(bz2RawLimit(rawLen)) {
		return dst, bad("decompressed length")
	}
	src = src[k:]
	// Every segment's frame is read before the decompressed bytes are
	// allocated: a payload too short for its claimed length fails first.
	var streams [][]byte
	for off := 0; off < int(n); off += bz2Segment {
		l, k := binary.Uvarint(src)
		if k <= 0 || l > uint64(len(src)-k) {
			return dst, bad(fmt.Sprintf("segment at decompressed offset %d", off))
		}
		streams = append(streams, src[k:k+int(l)])
		src = src[k+int(l):]
	}
	if len(src) != 0 {
		return dst, bad("trailing data")
	}
	raw := make([]byte, n)
	err := eachSegment(len(streams), func(i int) error {
		seg := raw[i*bz2Segment : min((i+1)*bz2Segment, len(raw))]
		cfg, k, err := segModel(streams[i])
		if err != nil {
			return fmt.Errorf("%w: cm-bz2 segment at decompressed offset %d: %v", format.ErrCorrupt, i*bz2Segment, err)
		}
		if _, err := bitcm.DecodeTo(seg, streams[i][k:], cfg); err != nil {
			return fmt.Errorf("%w: cm-bz2 segment at decompressed offset %d: %v", format.ErrCorrupt, i*bz2Segment, err)
		}
		return nil
	})
	if err != nil {
		return dst, err
	}
	out, err := bz2re.Encode(raw, p)
	if err != nil {
		return dst, fmt.Errorf("%w: cm-bz2: %v", format.ErrCorrupt, err)
	}
	if len(out) != rawLen {
		return dst, bad(fmt.Sprintf("rebuilt %d bytes, want %d", len(out), rawLen))
	}
	return append(dst, out...), nil
}

// eachSegment runs f(0..n-1) on up to GOMAXPROCS goroutines and returns
// the error of the lowest failing index (deterministic whatever the
// scheduling).
func eachSegment(n int, f func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			errs[i] = f(i)
			<-sem
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
