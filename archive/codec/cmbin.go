package codec

import (
	"fmt"
	"io"
	"slices"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/exe"
)

// cm-bin (codec 23): the bytes of a file that is neither text nor an
// image container nor already compressed (executables, spreadsheets,
// databases, raw samples, text with binary runs) are coded block by
// block as cm segments, each with the text or the binary model, chosen
// by a trial. zstd's matches leave most of the structure of such data
// unused; the writer still keeps zstd for any block it codes smaller.
// x86, x86-64 and ARM64 executables (ELF, PE, Mach-O) go through package
// exe's transform first (parameter version 1 with a tenth byte: 1 x86, 2
// ARM64).

// cmBinFingerprints name cm-bin's models and its segment headers: index
// 0 set 2, index 1 set 3 (the version 2 text model), index 2 set 4 (the
// version 3 text model), index 3 set 5 (the version 4 text model;
// writers use the last).
var cmBinFingerprints = [...][8]byte{segFingerprint("cm-bin/1 "), segFingerprint3("cm-bin/2 "), segFingerprint4("cm-bin/3 "), segFingerprint5("cm-bin/4 ")}

// cmBinProbe is how much of a file the planner looks at to tell data
// worth the context mixer's time from data that is not (encrypted, or
// compressed in a format the sniffer does not know).
const cmBinProbe = 64 << 10

// planCMBin routes every file no earlier planner took (text, image
// containers, PNG and bzip2 are planned before) to cm-bin, unless it is
// known to be compressed or its first bytes look random.
func planCMBin(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	if k.Compressed || size == 0 {
		return Choice{}, false
	}
	probe := make([]byte, min(size, cmBinProbe))
	if n, _ := r.ReadAt(probe, 0); n != len(probe) || !compressible(probe) {
		return Choice{}, false
	}
	fp := cmBinFingerprints[len(cmBinFingerprints)-1]
	params := append([]byte{paramsVersion}, fp[:]...)
	if a := exe.Detect(probe); a != exe.None {
		params = append(params, byte(a))
	}
	return Choice{Codec: format.CodecCMBin, Params: params, BlockSize: segmentBlockSize(size)}, true
}

// compressible reports whether b is likely to compress: zstd's fastest
// level shrinks it by 1/16, or its byte distribution is skewed (fixed-
// length records of numbers often have no repeats for zstd to find but
// many zero and sign bytes). The skew test compares the chance that two
// bytes drawn from b are equal, Σc²/n², with 1/256 for uniform bytes:
// random data gives 256·Σc² ≈ n² + 255·n, so it needs 5/4 of that.
func compressible(b []byte) bool {
	var count [256]int64
	for _, c := range b {
		count[c]++
	}
	var sq int64
	for _, c := range count {
		sq += c * c
	}
	n := int64(len(b))
	if 256*sq*4 > 5*(n*n+255*n) {
		return true
	}
	out, err := zstdC.Compress(nil, b, Block{Level: 1})
	return err == nil && len(out) <= len(b)-len(b)/16
}

type cmBin struct{}

// check checks a block's parameters and returns the segment header set
// they name and the filter: a tenth byte names the transform (package
// exe) every block's bytes go through before the model, 1 x86, 2 ARM64.
func (cmBin) check(b Block) (set segHeaderSet, filter exe.Arch, err error) {
	switch {
	case len(b.Params) == 10 && (b.Params[9] == byte(exe.X86) || b.Params[9] == byte(exe.ARM64)):
		filter = exe.Arch(b.Params[9])
	case len(b.Params) == 10:
		return 0, 0, fmt.Errorf("%w (cm-bin filter %d)", ErrParams, b.Params[9])
	case len(b.Params) != 9:
		return 0, 0, fmt.Errorf("%w (cm-bin parameters of %d bytes)", ErrParams, len(b.Params))
	}
	i, err := checkParams(b.Params, "cm-bin", cmBinFingerprints[:]...)
	return segHeaderSet(i + 2), filter, err
}

// Payload of a cm-bin block: one cm segment (header and bitcm stream) of
// the block's RawLen bytes, of the set the parameters name, after the
// parameters' filter.
func (c cmBin) Compress(dst, src []byte, b Block) ([]byte, error) {
	set, filter, err := c.check(b)
	if err != nil {
		return dst, err
	}
	if filter != exe.None {
		src = slices.Clone(src)
		exe.Encode(src, filter)
	}
	out, err := encodeSegment(src, set)
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

func (c cmBin) Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error) {
	set, filter, err := c.check(b)
	if err != nil {
		return dst, err
	}
	n := len(dst)
	dst = slices.Grow(dst, rawLen)[:n+rawLen]
	if err := decodeSegment(dst[n:], src, set); err != nil {
		return dst[:n], fmt.Errorf("%w: cm-bin: %v", format.ErrCorrupt, err)
	}
	exe.Decode(dst[n:], filter)
	return dst, nil
}
