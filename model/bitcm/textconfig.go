package bitcm

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// TextConfigCold is the version 2 text model without its warm start:
// DefaultConfig with 2^20-line tables, the indirect, skipped-word,
// nesting and shape contexts, a match model from 5 bytes and the second
// mixer bank. The warm start is trained for it (TrainWarm).
func TextConfigCold() Config {
	c := DefaultConfig()
	c.TableBits = 20
	c.MatchMin = 5
	c.Indirect, c.WordSkip, c.Nest, c.Shape, c.Mix2 = true, true, true, true, true
	return c
}

// warmText is the shipped warm start of TextConfigCold, zstd-compressed
// (dcartrain -warm-text writes it; docs/warm-text.sh builds its training
// set).
//
//go:embed warm-text.dcwarm.zst
var warmText []byte

// EmbeddedConfig returns a function that gives cold with the warm start
// z (CompressWarm's form) as its Warm, decompressed at the first call;
// name says whose warm start in its error.
func EmbeddedConfig(name string, cold Config, z []byte) func() (Config, error) {
	once := sync.OnceValues(func() (*Warm, error) {
		w, err := ParseCompressedWarm(z)
		if err != nil {
			return nil, fmt.Errorf("embedded warm start of %s: %w", name, err)
		}
		return w, nil
	})
	return func() (Config, error) {
		w, err := once()
		if err != nil {
			return Config{}, err
		}
		c := cold
		c.Orders = slices.Clone(cold.Orders) // each caller its own
		c.Warm = w
		return c, nil
	}
}

// ParseCompressedWarm reads a Warm stored by CompressWarm.
func ParseCompressedWarm(z []byte) (*Warm, error) {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(64<<20))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	b, err := d.DecodeAll(z, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWarm, err)
	}
	return ParseWarm(b)
}

// TextConfig is the version 2 text model with its shipped warm start.
func TextConfig() (Config, error) { return textConfig() }

var textConfig = EmbeddedConfig("the version 2 text model", TextConfigCold(), warmText)

// Text3ConfigCold is the version 3 text model without its warm start:
// TextConfigCold's model with six contexts for source code and markup
// (the line's indentation and first byte, the line's first token, the
// word before an open bracket, the word that followed the previous word
// last time, the last punctuation, the two lines above), and the
// tables of the four contexts with few values capped at 2^16 lines
// (4 MiB instead of up to 64: the same bits within 0.01 %, a fifth less
// memory). The warm start warm-text3.dcwarm.zst is trained for it.
func Text3ConfigCold() Config {
	c := TextConfigCold()
	c.LineStart, c.LineWord, c.WordNext, c.Calls, c.Punct, c.Above2 = true, true, true, true, true, true
	c.SmallBits = 16
	return c
}

// warmText3 is the shipped warm start of Text3ConfigCold (dcartrain
// -warm-text, the same training set as warmText).
//
//go:embed warm-text3.dcwarm.zst
var warmText3 []byte

// Text3Config is the version 3 text model with its shipped warm start
// (cm-text's model from 2026-12-05 to version 4).
func Text3Config() (Config, error) { return text3Config() }

var text3Config = EmbeddedConfig("the version 3 text model", Text3ConfigCold(), warmText3)

// Text4ConfigCold is the version 4 text model without its warm start:
// version 3's contexts with each byte coded as its code in a tree of
// byte classes and frequencies (Tree: about 5 binary decisions per
// byte of text instead of 8), the tables of eight more contexts capped
// at 2^16 lines (SmallMore: 432 instead of 912 MiB per model at 2^20
// lines) and a second match model from 12 bytes (Match2Min).
func Text4ConfigCold() Config {
	c := Text3ConfigCold()
	c.Tree = true
	c.SmallMore = true
	c.Match2Min = 12
	return c
}

// warmText4 is the shipped warm start of Text4ConfigCold (dcartrain
// -warm-text -warm-text-version 4, the same training set as warmText).
//
//go:embed warm-text4.dcwarm.zst
var warmText4 []byte

// Text4Config is the version 4 text model with its shipped warm start:
// cm-text's model before version 5, and the text model of cm-bin's,
// cm-bz2's and cm-gzip's segments.
func Text4Config() (Config, error) { return text4Config() }

var text4Config = EmbeddedConfig("the version 4 text model", Text4ConfigCold(), warmText4)

// Text5ConfigCold is the version 5 text model without its warm start:
// version 4's contexts, tables and match models reading the word code's
// transform of the text (WordCode: the words of a dictionary as one or
// two bytes), each byte as its 8 bits (on the transform, version 4's
// code tree, or one built from the transforms' byte counts, coded
// 0.3-0.8 % larger: docs/ABLATIONS.md).
func Text5ConfigCold() Config {
	c := Text4ConfigCold()
	c.Tree = false
	c.WordCode = 1
	return c
}

// warmText5 is the shipped warm start of Text5ConfigCold (dcartrain
// -warm-text -warm-text-version 5, the same training set as warmText).
//
//go:embed warm-text5.dcwarm.zst
var warmText5 []byte

// Text5Config is the version 5 text model with its shipped warm start:
// cm-text's model before version 6.
func Text5Config() (Config, error) { return text5Config() }

var text5Config = EmbeddedConfig("the version 5 text model", Text5ConfigCold(), warmText5)

// Text6ConfigCold is the version 6 text model without its warm start:
// version 5's model reading version 6's word code (its own dictionary,
// camel case cut into words, words next to digits left as letters:
// WordCode 2), its column contexts taken from the text's lines
// (TextColumns). On training text 0.7-1.4 % smaller than version 5,
// and as small as version 4 or smaller on 4 MiB blocks of Go source
// where version 5 was 0.3-2.3 % larger (docs/ABLATIONS.md).
func Text6ConfigCold() Config {
	c := Text5ConfigCold()
	c.WordCode = 2
	c.TextColumns = true
	return c
}

// warmText6 is the shipped warm start of Text6ConfigCold (dcartrain
// -warm-text -warm-text-version 6, the same training set as warmText).
//
//go:embed warm-text6.dcwarm.zst
var warmText6 []byte

// Text6Config is the version 6 text model with its shipped warm start:
// cm-text's model before version 7.
func Text6Config() (Config, error) { return text6Config() }

var text6Config = EmbeddedConfig("the version 6 text model", Text6ConfigCold(), warmText6)

// Text7ConfigCold is the version 7 text model without its warm start:
// version 6 coding each byte of the word code's transform as its code in
// transformTree (TransformTree): about 6.5 binary decisions per
// transform byte instead of 8; on training text 16-31 % less CPU and
// 0.06 % smaller (docs/ABLATIONS.md).
func Text7ConfigCold() Config {
	c := Text6ConfigCold()
	c.Tree = true
	c.TransformTree = true
	return c
}

// warmText7 is the shipped warm start of Text7ConfigCold (dcartrain
// -warm-text -warm-text-version 7, the same training set as warmText).
//
//go:embed warm-text7.dcwarm.zst
var warmText7 []byte

// Text7Config is the version 7 text model with its shipped warm start:
// cm-text's model before version 8, and domain models' (model/domain).
func Text7Config() (Config, error) { return text7Config() }

var text7Config = EmbeddedConfig("the version 7 text model", Text7ConfigCold(), warmText7)

// CompressWarm returns w's stored form compressed as the embedded warm
// starts are.
func CompressWarm(w *Warm) ([]byte, error) {
	b, err := w.MarshalBinary()
	if err != nil {
		return nil, err
	}
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer e.Close()
	return e.EncodeAll(b, nil), nil
}

// Text8ConfigCold is the version 8 text model without its warm start:
// version 7 with history maps per decision depth (HistDepth) and a last
// probability map over an order-3 hash (SSE3). On training text 0.3-0.6 %
// smaller than version 7 for about a tenth more CPU (docs/ABLATIONS.md).
func Text8ConfigCold() Config {
	c := Text7ConfigCold()
	c.HistDepth = true
	c.SSE3 = true
	return c
}

// warmText8 is the shipped warm start of Text8ConfigCold (dcartrain
// -warm-text -warm-text-version 8, the same training set as warmText).
//
//go:embed warm-text8.dcwarm.zst
var warmText8 []byte

// Text8Config is the version 8 text model with its shipped warm start:
// cm-text's model.
func Text8Config() (Config, error) { return text8Config() }

var text8Config = EmbeddedConfig("the version 8 text model", Text8ConfigCold(), warmText8)
