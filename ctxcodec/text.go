package ctxcodec

import (
	"fmt"
	"io"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/bitcm"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/txtctx"
)

// A segmentCodec codes every block of an entry as one independent
// segment of a byte model, fresh per block; the entry's parameters are
// the version byte and the model's 8-byte fingerprint, so a binary whose
// model differs fails naming both. The writer uses the codec's current
// model; the reader decodes with whichever known model the fingerprint
// names.
type segmentCodec struct {
	name    string
	id      uint64
	current [8]byte
	encode  func(src []byte) ([]byte, error)
	// decoders by fingerprint: every model the codec was ever written with
	decoders map[[8]byte]func(data []byte, n int) ([]byte, error)
}

// cmTextTableBits is the table bits of cm-text's current model: 2^20
// lines per hashed context at most (12 MB of training novels: 1.6 %
// smaller than 2^18 in one segment; blocks up to 6 MiB gain less).
const cmTextTableBits = 20

// cmTextConfig is cm-text's current model.
func cmTextConfig() bitcm.Config {
	c := bitcm.DefaultConfig()
	c.TableBits = cmTextTableBits
	return c
}

var (
	// cmText (codec 21): bitcm's bitwise context mixing, the default for
	// text. Written first with bitcm.DefaultConfig() (table bits 18).
	cmText = segmentCodec{
		name: "cm-text", id: format.CodecCMText, current: bitcm.Fingerprint(cmTextConfig()),
		encode: func(src []byte) ([]byte, error) { return bitcm.Encode(src, cmTextConfig()) },
		decoders: map[[8]byte]func([]byte, int) ([]byte, error){
			bitcm.Fingerprint(bitcm.DefaultConfig()): func(data []byte, n int) ([]byte, error) {
				return bitcm.Decode(data, n, bitcm.DefaultConfig())
			},
			bitcm.Fingerprint(cmTextConfig()): func(data []byte, n int) ([]byte, error) {
				return bitcm.Decode(data, n, cmTextConfig())
			},
		},
	}
	// ctxText (codec 20): txtctx's 256-way mixture, the default before
	// cm-text; kept so that its archives decode forever.
	ctxText = segmentCodec{
		name: "ctx-text", id: format.CodecCtxText, current: txtctx.Fingerprint(txtctx.DefaultConfig()),
		encode: func(src []byte) ([]byte, error) { return txtctx.EncodeSegmentConfig(src, txtctx.DefaultConfig()) },
		decoders: map[[8]byte]func([]byte, int) ([]byte, error){
			txtctx.Fingerprint(txtctx.DefaultConfig()): func(data []byte, n int) ([]byte, error) {
				return txtctx.DecodeSegmentConfig(data, n, txtctx.DefaultConfig())
			},
		},
	}
)

// planCMText routes text to cm-text.
func planCMText(k archive.Kind, r io.ReaderAt, size int64) (archive.Choice, bool) {
	return cmText.plan(k, r, size)
}

// planText routes text to ctx-text. No longer registered; the golden
// archives written with ctx-text use it.
func planText(k archive.Kind, r io.ReaderAt, size int64) (archive.Choice, bool) {
	return ctxText.plan(k, r, size)
}

func (c segmentCodec) plan(k archive.Kind, _ io.ReaderAt, size int64) (archive.Choice, bool) {
	if k.Modality != format.ModalityText || size == 0 {
		return archive.Choice{}, false
	}
	return archive.Choice{Codec: c.id, Params: c.params(), BlockSize: segmentBlockSize(size)}, true
}

// segmentBlockSize cuts an entry coded as independent model segments
// into blocks of near-equal length close to the writer's default: a
// tail block much shorter than the others would be coded with little
// context (a 4.15 MB file: one block rather than 4 MiB and 150 KB).
// Blocks stay below 6 MiB, so large files still spread over all cores.
// Files up to the default are one block of the writer's default size
// (0).
func segmentBlockSize(size int64) int {
	const target = archive.DefaultBlockSize
	if size <= target {
		return 0
	}
	n := max(1, (size+target/2)/target)
	return int((size + n - 1) / n)
}

func (c segmentCodec) params() []byte { return append([]byte{paramsVersion}, c.current[:]...) }

// check checks a block's parameters and returns the decoder of the model
// they name.
func (c segmentCodec) check(b archive.Block) (func([]byte, int) ([]byte, error), error) {
	if len(b.Params) != 9 {
		return nil, fmt.Errorf("%w (%s parameters of %d bytes)", ErrParams, c.name, len(b.Params))
	}
	known := make(map[[8]byte][8]byte, len(c.decoders))
	for fp := range c.decoders {
		known[fp] = fp
	}
	fp, err := checkParamsOf(b.Params, c.name, known)
	if err != nil {
		return nil, err
	}
	return c.decoders[fp], nil
}

func (c segmentCodec) Compress(dst, src []byte, b archive.Block) ([]byte, error) {
	if _, err := c.check(b); err != nil {
		return dst, err
	}
	if [8]byte(b.Params[1:9]) != c.current {
		return dst, fmt.Errorf("%w: %s writes only model %x", ErrParams, c.name, c.current[:])
	}
	release := holdModel()
	out, err := c.encode(src)
	release()
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

func (c segmentCodec) Decompress(dst, src []byte, rawLen int, b archive.Block) ([]byte, error) {
	decode, err := c.check(b)
	if err != nil {
		return dst, err
	}
	release := holdModel()
	out, err := decode(src, rawLen)
	release()
	if err != nil {
		return dst, fmt.Errorf("%w: %s: %v", format.ErrCorrupt, c.name, err)
	}
	return append(dst, out...), nil
}
