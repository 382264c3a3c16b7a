package codec

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

// A cm segment is a run of bytes coded by bitcm with one of two models,
// text (bitcm.DefaultConfig, in set 3 bitcm.TextConfig, in set 4
// bitcm.Text3Config, in set 5 bitcm.Text4Config) or binary
// (bitcm.BinaryConfig with a record stride), chosen by the writer per
// segment and named by a header before the bitcm stream. cm-bz2, cm-gzip
// and cm-bin code their bytes as cm segments.
//
// Segment headers (the model byte, then its fields):
//
//	0x00                        text, table bits 18 (cm-bz2 set 1)
//	0x01 uvarint S              binary, stride S, table bits 18 (cm-bz2 set 1)
//	0x02 byte T                 text, table bits T (set 2)
//	0x03 uvarint S, byte T      binary, stride S, table bits T (sets 2 and 3)
//	0x04 byte T                 text version 2 (bitcm.TextConfig), table bits T (set 3)
//	0x05 byte T                 text version 3 (bitcm.Text3Config), table bits T (set 4)
//	0x06 byte T                 text version 4 (bitcm.Text4Config), table bits T (set 5)
//
// T caps the lines of each hashed context at 2^T (bitcm also caps them
// by the segment length), so it sets the model's memory: about
// 2^T × 64 bytes per context. Larger tables lose fewer contexts to
// collisions on long segments (12 MB of training novels: 1.0 % smaller
// with T = 19, 1.6 % with 20, than with 18).
const (
	segText    = 0
	segBinary  = 1
	segTextT   = 2
	segBinaryT = 3
	segText2T  = 4
	segText3T  = 5
	segText4T  = 6

	// segTableBits is the T writers use; maxSegTableBits the largest a
	// reader accepts, which bounds a decoder's memory (8 contexts of
	// 2^20 lines of 64 bytes: 512 MiB per segment being decoded).
	segTableBits    = 20
	maxSegTableBits = 20

	// segTrial is how much of a segment is coded with both models to
	// choose one.
	segTrial = 256 << 10
)

// A segHeaderSet is the set of segment headers a codec's parameters
// allow: set 1 is 0x00 and 0x01, set 2 is 0x02 and 0x03, set 3 is 0x03
// and 0x04, set 4 is 0x03 and 0x05, set 5 is 0x03, 0x06 and 0x05.
type segHeaderSet int

const (
	segSet1 segHeaderSet = 1
	segSet2 segHeaderSet = 2
	segSet3 segHeaderSet = 3
	segSet4 segHeaderSet = 4
	segSet5 segHeaderSet = 5
)

// A segTextModel is a text model of a header set: the model byte and, where
// it has a warm start, the shipped configuration (nil:
// bitcm.DefaultConfig).
type segTextModel struct {
	kind   byte
	config func() (bitcm.Config, error)
}

// segTextsAlt is, for the sets that have one, the text model a writer
// uses instead of segTexts' for a segment that is mostly non-ASCII
// (bitcm.TreeSuits false: version 4's code tree would take more than 7
// decisions a byte), as cm-text's planner does.
var segTextsAlt = map[segHeaderSet]segTextModel{
	segSet5: {segText3T, bitcm.Text3Config},
}

// segTexts is, per header set from 2 on, its text model.
var segTexts = map[segHeaderSet]segTextModel{
	segSet2: {segTextT, nil},
	segSet3: {segText2T, bitcm.TextConfig},
	segSet4: {segText3T, bitcm.Text3Config},
	segSet5: {segText4T, bitcm.Text4Config},
}

// segFingerprint names the two models a cm segment of sets 1 and 2 may
// use and the header set: the first 8 bytes of SHA-256(tag ‖ text
// fingerprint ‖ binary fingerprint). cm-bz2's set-1 tag is "cm-bz2/1 ".
func segFingerprint(tag string) [8]byte {
	return segFingerprintOf(tag, bitcm.Fingerprint(bitcm.DefaultConfig()))
}

// segFingerprint3 is segFingerprint for set 3, whose text model is
// bitcm.TextConfig (cmText2Fingerprint).
func segFingerprint3(tag string) [8]byte { return segFingerprintOf(tag, cmText2Fingerprint) }

// segFingerprint4 is segFingerprint for set 4, whose text model is
// bitcm.Text3Config (cmText3Fingerprint).
func segFingerprint4(tag string) [8]byte { return segFingerprintOf(tag, cmText3Fingerprint) }

// segFingerprint5 is segFingerprint for set 5, whose text model is
// bitcm.Text4Config (cmText4Fingerprint).
func segFingerprint5(tag string) [8]byte { return segFingerprintOf(tag, cmText4Fingerprint) }

func segFingerprintOf(tag string, text [8]byte) [8]byte {
	b := bitcm.Fingerprint(bitcm.BinaryConfig(1))
	s := sha256.Sum256(append(append([]byte(tag), text[:]...), b[:]...))
	return [8]byte(s[:8])
}

// modelSlots bounds the context-mixing models alive at once in the
// process, whatever mix of blocks (the writer's and reader's jobs) and
// segments (a cm-bz2 block's) is being coded: each model's tables take
// up to ~0.8 GB. Its size is GOMAXPROCS at first use; dcar sets
// GOMAXPROCS from --jobs, so --jobs bounds the memory. No holder waits
// for anything while holding a slot, so slots cannot deadlock.
var modelSlots = sync.OnceValue(func() chan struct{} {
	return make(chan struct{}, runtime.GOMAXPROCS(0))
})

// holdModel waits for a model slot and returns the function that gives
// it back.
func holdModel() (release func()) {
	s := modelSlots()
	s <- struct{}{}
	return func() { <-s }
}

// eachSegment runs f(0..n-1) concurrently (each f holds a model slot
// while it codes) and returns the error of the lowest failing index
// (deterministic whatever the scheduling).
func eachSegment(n int, f func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = f(i) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// encodeSegment codes seg as a cm segment of set (2 to 5): header and
// bitcm stream. The model is chosen by coding the first segTrial bytes
// with both; a segment no longer than the trial is its own trial.
func encodeSegment(seg []byte, set segHeaderSet) ([]byte, error) {
	defer holdModel()()
	trial := seg[:min(len(seg), segTrial)]
	stride := bitcm.DetectStride(seg)
	st, ok := segTexts[set]
	if !ok {
		return nil, fmt.Errorf("%w: cm segments of header set %d are not written", ErrParams, set)
	}
	if alt, ok := segTextsAlt[set]; ok && !bitcm.TreeSuits(trial) {
		st = alt
	}
	text, bin := bitcm.DefaultConfig(), bitcm.BinaryConfig(stride)
	textKind := st.kind
	if st.config != nil {
		var err error
		if text, err = st.config(); err != nil {
			return nil, err
		}
	}
	text.TableBits, bin.TableBits = segTableBits, segTableBits
	a, err := bitcm.Encode(trial, text)
	if err != nil {
		return nil, err
	}
	b, err := bitcm.Encode(trial, bin)
	if err != nil {
		return nil, err
	}
	hdr, cfg, out := []byte{textKind, segTableBits}, text, a
	if len(b) < len(a) {
		hdr = binary.AppendUvarint([]byte{segBinaryT}, uint64(stride))
		hdr, cfg, out = append(hdr, segTableBits), bin, b
	}
	if len(trial) < len(seg) {
		if out, err = bitcm.Encode(seg, cfg); err != nil {
			return nil, err
		}
	}
	return append(hdr, out...), nil
}

// decodeSegment decodes the cm segment src (header and stream) into
// dst, which has the segment's length. Headers outside set are corrupt.
func decodeSegment(dst, src []byte, set segHeaderSet) error {
	defer holdModel()()
	cfg, k, err := segModel(src, set)
	if err != nil {
		return err
	}
	_, err = bitcm.DecodeTo(dst, src[k:], cfg)
	return err
}

// segModel reads a segment header of set and returns the model's
// configuration and the header's length.
func segModel(src []byte, set segHeaderSet) (bitcm.Config, int, error) {
	if len(src) == 0 {
		return bitcm.Config{}, 0, fmt.Errorf("no model byte")
	}
	kind, k := src[0], 1
	st, later := segTexts[set]
	if alt, ok := segTextsAlt[set]; ok && kind == alt.kind {
		st = alt
	}
	ok := set == segSet1 && (kind == segText || kind == segBinary) || later && (kind == st.kind || kind == segBinaryT)
	if !ok {
		return bitcm.Config{}, 0, fmt.Errorf("unknown model %d", kind)
	}
	cfg := bitcm.DefaultConfig()
	switch kind {
	case segBinary, segBinaryT:
		s, n := binary.Uvarint(src[k:])
		if n <= 0 || s > bitcm.MaxStride {
			return bitcm.Config{}, 0, fmt.Errorf("bad stride")
		}
		cfg, k = bitcm.BinaryConfig(int(s)), k+n
	case st.kind:
		if st.config != nil {
			var err error
			if cfg, err = st.config(); err != nil {
				return bitcm.Config{}, 0, err
			}
		}
	}
	if kind >= segTextT {
		if k >= len(src) || src[k] < 10 || src[k] > maxSegTableBits {
			return bitcm.Config{}, 0, fmt.Errorf("bad table bits")
		}
		cfg.TableBits, k = uint(src[k]), k+1
	}
	return cfg, k, nil
}

// checkWholeFile checks the block of a codec that codes a compressed file
// whole as its decompressed payload (cm-bz2, cm-gzip): parameters of
// exactly the version byte and a fingerprint of known (it returns the
// index of the one they name), and the entry in one block.
func checkWholeFile(b Block, name string, known ...[8]byte) (int, error) {
	if len(b.Params) != 9 {
		return 0, fmt.Errorf("%w (%s parameters of %d bytes)", ErrParams, name, len(b.Params))
	}
	i, err := checkParams(b.Params, name, known...)
	if err != nil {
		return 0, err
	}
	if b.Offset != 0 {
		return 0, fmt.Errorf("%w: %s entry in more than one block", format.ErrCorrupt, name)
	}
	return i, nil
}

// A decompressed payload is how cm-bz2 and cm-gzip carry the bytes a
// compressed file decompresses to: uvarint N, the decompressed length,
// then the N bytes cut into segments of decompSegment bytes (the last
// may be shorter), each as uvarint L and L bytes of a cm segment. The
// segments are coded in parallel. Longer segments code better (dickens:
// 2.7 % smaller in one 10 MB segment than in 4 MiB ones).
const decompSegment = 16 << 20

// Decompressed lengths are bounded by expansionLimit: at most
// maxExpansion times the file plus 1 MiB, and maxDecompressed in all, so
// a decoder's memory stays bounded whatever the payload claims. Files
// that expand more stay zstd.
const (
	maxExpansion    = 32
	maxDecompressed = 256 << 20
)

func expansionLimit(fileLen int) int64 {
	return min(int64(maxExpansion)*int64(fileLen)+1<<20, maxDecompressed)
}

// appendDecompressed appends raw as a decompressed payload of cm
// segments of set to dst.
func appendDecompressed(dst, raw []byte, set segHeaderSet) ([]byte, error) {
	dst = binary.AppendUvarint(dst, uint64(len(raw)))
	segs := make([][]byte, (len(raw)+decompSegment-1)/decompSegment)
	err := eachSegment(len(segs), func(i int) error {
		s := raw[i*decompSegment : min((i+1)*decompSegment, len(raw))]
		var err error
		segs[i], err = encodeSegment(s, set)
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

// readDecompressed decodes the decompressed payload src, which must end
// with it, of a file of fileLen bytes; its segments must be of set.
// name is the codec's, for errors.
func readDecompressed(src []byte, fileLen int, set segHeaderSet, name string) ([]byte, error) {
	bad := func(what string) error { return fmt.Errorf("%w: %s %s", format.ErrCorrupt, name, what) }
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(expansionLimit(fileLen)) {
		return nil, bad("decompressed length")
	}
	src = src[k:]
	// Every segment's frame is read before the decompressed bytes are
	// allocated: a payload too short for its claimed length fails first.
	var streams [][]byte
	for off := 0; off < int(n); off += decompSegment {
		l, k := binary.Uvarint(src)
		if k <= 0 || l > uint64(len(src)-k) {
			return nil, bad(fmt.Sprintf("segment at decompressed offset %d", off))
		}
		streams = append(streams, src[k:k+int(l)])
		src = src[k+int(l):]
	}
	if len(src) != 0 {
		return nil, bad("trailing data")
	}
	raw := make([]byte, n)
	err := eachSegment(len(streams), func(i int) error {
		seg := raw[i*decompSegment : min((i+1)*decompSegment, len(raw))]
		if err := decodeSegment(seg, streams[i], set); err != nil {
			return fmt.Errorf("%w: %s segment at decompressed offset %d: %v", format.ErrCorrupt, name, i*decompSegment, err)
		}
		return nil
	})
	return raw, err
}
