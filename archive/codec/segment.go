package codec

import (
	"fmt"
	"io"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/bitcm"
	"github.com/dcar-archiver/dcar/model/domain"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// A segmentCodec codes every block of an entry as one independent
// segment of a byte model, fresh per block; the entry's parameters are
// the version byte and the model's 8-byte fingerprint, so a binary whose
// model differs fails naming both. The reader decodes with whichever of
// the codec's models the fingerprint names; the writer encodes with the
// model it names too, which must be one that is still written (has an
// encoder): models[def] by default, or a preset's.
type segmentCodec struct {
	name   string
	id     uint64
	models []segmentModel // every model the codec was written with, oldest first
	def    int            // the model written by default
	// domain, if set, is the model of a domain model that replaces the
	// codec's (ok false: it replaces none): what an entry whose
	// fingerprint none of models has is looked up in.
	domain func(d *domain.Model) (m segmentModel, ok bool)
}

type segmentModel struct {
	name   string // what list -l shows (TextModel)
	fp     [8]byte
	decode func(data []byte, n int) ([]byte, error)
	encode func(src []byte) ([]byte, error) // nil: a model no longer written
}

// cmTextDomain is cm-text's model of a domain model: the text model its
// file version names, with the domain's warm start and primer.
func cmTextDomain(d *domain.Model) (segmentModel, bool) {
	c, ok := d.TextConfig()
	if !ok {
		return segmentModel{}, false
	}
	return configModel("", d.TextFingerprint(), func() (bitcm.Config, error) { return c, nil }), true
}

// cmTextConfig is cm-text's second model: table bits 20, 2^20 lines per
// hashed context at most (12 MB of training novels: 1.6 % smaller than
// 2^18 in one segment; blocks up to 6 MiB gain less).
func cmTextConfig() bitcm.Config {
	c := bitcm.DefaultConfig()
	c.TableBits = 20
	return c
}

// cmText2Fingerprint is the fingerprint of bitcm.TextConfig(), the text
// model version 2 with its shipped warm start (pinned here so that
// nothing decompresses the warm start before a text is coded; a test
// checks it against the model).
var cmText2Fingerprint = [8]byte{0xcd, 0x94, 0xe4, 0x36, 0x48, 0xf4, 0x4e, 0x8b}

// cmText3Fingerprint is the fingerprint of bitcm.Text3Config(), the text
// model version 3 with its shipped warm start (pinned as version 2's).
var cmText3Fingerprint = [8]byte{0xb5, 0x03, 0x5d, 0xd8, 0xad, 0x69, 0x25, 0xa8}

// cmText4Fingerprint is the fingerprint of bitcm.Text4Config(), the text
// model version 4 with its shipped warm start (pinned as version 2's).
var cmText4Fingerprint = [8]byte{0xd5, 0xc5, 0x4c, 0xaf, 0x9d, 0xb4, 0x58, 0xdc}

// cmText5Fingerprint is the fingerprint of bitcm.Text5Config(), the text
// model version 5 (the word code) with its shipped warm start (pinned as
// version 2's).
var cmText5Fingerprint = [8]byte{0x99, 0x09, 0x51, 0xc5, 0x30, 0xdc, 0x06, 0x5c}

// cmText6Fingerprint is the fingerprint of bitcm.Text6Config(), the text
// model version 6 (version 6's word code, text columns) with its
// shipped warm start (pinned as version 2's).
var cmText6Fingerprint = [8]byte{0xa0, 0x8e, 0xc3, 0xfd, 0x3b, 0x5d, 0x8f, 0x68}

// cmText7Fingerprint is the fingerprint of bitcm.Text7Config(), the text
// model version 7 (version 6 coding each transform byte as its code in
// a tree) with its shipped warm start (pinned as version 2's).
var cmText7Fingerprint = [8]byte{0x63, 0x34, 0xaa, 0x70, 0x7b, 0x61, 0x1c, 0xa4}

// cmText8Fingerprint is the fingerprint of bitcm.Text8Config(), the text
// model version 8 (version 7 with history maps per decision depth and an
// order-3 probability map last) with its shipped warm start (pinned as
// version 2's).
var cmText8Fingerprint = [8]byte{0x87, 0x52, 0x8a, 0xb0, 0x70, 0xf9, 0x25, 0x58}

var (
	// cmText (codec 21): bitcm's bitwise context mixing, the default for
	// text. Written first with bitcm.DefaultConfig() (table bits 18),
	// then with table bits 20, then with bitcm.TextConfig() (version 2
	// contexts and the warm start), then with bitcm.Text3Config()
	// (version 3: source-code and markup contexts, its warm start), now
	// then with bitcm.Text4Config() (version 4: each byte as its code in
	// a tree of byte classes, capped tables, a second match model), then
	// with bitcm.Text5Config() (version 5: version 4's model without the
	// tree reading the word code's transform), then with
	// bitcm.Text6Config() (version 6: its own word code, which cuts camel
	// case and leaves words next to digits, and column contexts from the
	// text's lines), then with bitcm.Text7Config() (version 7: version 6
	// coding each transform byte as its code in a tree), now with
	// bitcm.Text8Config() (version 8: history maps per decision depth,
	// an order-3 probability map last). With --fast,
	// the lite model (version 3 since 2026-12-06).
	cmText = segmentCodec{
		name: "cm-text", id: format.CodecCMText,
		models: []segmentModel{bitcmModel("text model 1", bitcm.DefaultConfig()), bitcmModel("text model 1", cmTextConfig()), liteModel,
			configModel("text model 2", cmText2Fingerprint, bitcm.TextConfig), cmText3, cmText4, lite2Model, cmText5, cmText6, lite3Model, cmText7, cmText8},
		def:    11,
		domain: cmTextDomain,
	}
	// ctxText (codec 20): txtctx's 256-way mixture, the default before
	// cm-text; kept so that its archives decode forever.
	ctxText = segmentCodec{
		name: "ctx-text", id: format.CodecCtxText,
		models: []segmentModel{{name: "", fp: txtctx.DefaultFingerprint,
			decode: func(data []byte, n int) ([]byte, error) {
				return txtctx.DecodeSegmentConfig(data, n, txtctx.DefaultConfig())
			},
			encode: func(src []byte) ([]byte, error) { return txtctx.EncodeSegmentConfig(src, txtctx.DefaultConfig()) }}},
	}
)

// cmText3 is cm-text's version 3 text model, which it still writes for
// text that version 4's code tree does not suit (planCMText).
var cmText3 = configModel("text model 3", cmText3Fingerprint, bitcm.Text3Config)

// cmText4 is cm-text's version 4 text model, its default before
// version 5.
var cmText4 = configModel("text model 4", cmText4Fingerprint, bitcm.Text4Config)

// cmText5 is cm-text's version 5 text model, its default before
// version 6.
var cmText5 = configModel("text model 5", cmText5Fingerprint, bitcm.Text5Config)

// cmText6 is cm-text's version 6 text model, its default before
// version 7.
var cmText6 = configModel("text model 6", cmText6Fingerprint, bitcm.Text6Config)

// cmText7 is cm-text's version 7 text model, its default before
// version 8.
var cmText7 = configModel("text model 7", cmText7Fingerprint, bitcm.Text7Config)

// cmText8 is cm-text's version 8 text model, its default.
var cmText8 = configModel("text model 8", cmText8Fingerprint, bitcm.Text8Config)

// liteModel is bitcm's lite model, cm-text's model with --fast (about
// four times as fast as the version 2 model, 8-10 % larger); since
// lite2Model, only for mostly non-ASCII text.
var liteModel = segmentModel{"lite", bitcm.LiteFingerprint, bitcm.DecodeLite, bitcm.EncodeLite}

// lite2Model is the lite model's version 2, each byte as its code in the
// code tree: on training text 0.6-1.1 % smaller and about a fifth less
// CPU than version 1 (docs/ABLATIONS.md).
var lite2Model = segmentModel{"lite 2", bitcm.Lite2Fingerprint, bitcm.DecodeLite2, bitcm.EncodeLite2}

// lite3Model is the lite model's version 3, reading the text's word
// code (version 6's): on training text 1.5-4.0 % smaller than version
// 2 for the same CPU (docs/ABLATIONS.md).
var lite3Model = segmentModel{"lite 3", bitcm.Lite3Fingerprint, bitcm.DecodeLite3, bitcm.EncodeLite3}

// planCMTextLite routes text to cm-text with the lite model (--fast;
// version 3, or version 1 for mostly non-ASCII text, whose high bytes
// the word code would escape, as the default planner does), a file
// above 1 MiB in blocks of about 2 MiB and at least two, so that two
// cores code it (it costs the lite model ~2 % against one 4 MiB
// segment, docs/ABLATIONS.md).
func planCMTextLite(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	pl, ok := cmText.plan(k, r, size)
	if ok {
		pl.Params = lite3Model.params()
		if !treeSuits(r, size) {
			pl.Params = liteModel.params()
		}
		if size > 1<<20 {
			n := max(2, (size+1<<20)>>21)
			pl.BlockSize = int((size + n - 1) / n)
		}
	}
	return pl, ok
}

// configModel is the segment model of a shipped configuration with a
// warm start, fingerprint fp: the warm start is decompressed when a
// segment is first coded, not when the codec table is built.
func configModel(name string, fp [8]byte, config func() (bitcm.Config, error)) segmentModel {
	return segmentModel{name: name, fp: fp,
		decode: func(data []byte, n int) ([]byte, error) {
			c, err := config()
			if err != nil {
				return nil, err
			}
			return bitcm.Decode(data, n, c)
		},
		encode: func(src []byte) ([]byte, error) {
			c, err := config()
			if err != nil {
				return nil, err
			}
			return bitcm.Encode(src, c)
		}}
}

// bitcmModel is the segment model of bitcm configuration cfg (decode
// only).
func bitcmModel(name string, cfg bitcm.Config) segmentModel {
	return segmentModel{name: name, fp: bitcm.Fingerprint(cfg), decode: func(data []byte, n int) ([]byte, error) { return bitcm.Decode(data, n, cfg) }}
}

// planCMText routes text to cm-text: with the version 8 text model, or
// with version 3 when the first treeProbe bytes say that the text is
// mostly non-ASCII (bitcm.TreeSuits: version 4's code tree does not
// suit it, and the word code would escape half its bytes).
func planCMText(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	pl, ok := cmText.plan(k, r, size)
	if ok && !treeSuits(r, size) {
		pl.Params = cmText3.params()
	}
	return pl, ok
}

// treeProbe is how much of a text the planners read to choose between
// the version 4 and version 3 text models.
const treeProbe = 64 << 10

// treeSuits reports whether the version 4 text model's code tree suits
// the text r holds (size bytes), judged by its first treeProbe bytes; a
// read error says yes (the coder will meet it).
func treeSuits(r io.ReaderAt, size int64) bool {
	if r == nil {
		return true
	}
	b := make([]byte, min(size, treeProbe))
	if n, _ := r.ReadAt(b, 0); n != len(b) {
		return true
	}
	return bitcm.TreeSuits(b)
}

func (c segmentCodec) plan(k Kind, _ io.ReaderAt, size int64) (Choice, bool) {
	if k.Modality != format.ModalityText || size == 0 {
		return Choice{}, false
	}
	return Choice{Codec: c.id, Params: c.params(), BlockSize: segmentBlockSize(size)}, true
}

// segmentBlockSize cuts an entry coded as independent model segments
// into blocks of near-equal length close to the writer's default: a
// tail block much shorter than the others would be coded with little
// context (a 4.15 MB file: one block rather than 4 MiB and 150 KB).
// Blocks stay below 6 MiB, so large files still spread over all cores.
// Files up to the default are one block of the writer's default size
// (0).
func segmentBlockSize(size int64) int {
	const target = DefaultBlockSize
	if size <= target {
		return 0
	}
	n := max(1, (size+target/2)/target)
	return int((size + n - 1) / n)
}

// params are the parameters of an entry written with the codec's
// default model.
func (c segmentCodec) params() []byte { return c.models[c.def].params() }

// params are the parameters of an entry written with m.
func (m segmentModel) params() []byte { return append([]byte{paramsVersion}, m.fp[:]...) }

// check checks a block's parameters and returns the model they name:
// one of the codec's, or that of the block's domain model.
func (c segmentCodec) check(b Block) (segmentModel, error) {
	if len(b.Params) != 9 {
		return segmentModel{}, fmt.Errorf("%w (%s parameters of %d bytes)", ErrParams, c.name, len(b.Params))
	}
	fps := make([][8]byte, len(c.models))
	for i, m := range c.models {
		fps[i] = m.fp
	}
	if c.domain != nil && b.Domain != nil && b.Params[0] == paramsVersion {
		if m, ok := c.domain(b.Domain); ok && m.fp == [8]byte(b.Params[1:9]) {
			return m, nil
		}
	}
	i, err := checkParams(b.Params, c.name, fps...)
	if err != nil {
		return segmentModel{}, err
	}
	return c.models[i], nil
}

func (c segmentCodec) Compress(dst, src []byte, b Block) ([]byte, error) {
	m, err := c.check(b)
	if err != nil {
		return dst, err
	}
	enc := m.encode
	if enc == nil {
		return dst, fmt.Errorf("%w: %s no longer writes model %x (it writes %x)", ErrParams, c.name, m.fp[:], c.models[c.def].fp[:])
	}
	release := holdModel()
	out, err := enc(src)
	release()
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

func (c segmentCodec) Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error) {
	m, err := c.check(b)
	if err != nil {
		return dst, err
	}
	release := holdModel()
	out, err := m.decode(src, rawLen)
	release()
	if err != nil {
		return dst, fmt.Errorf("%w: %s: %v", format.ErrCorrupt, c.name, err)
	}
	return append(dst, out...), nil
}
