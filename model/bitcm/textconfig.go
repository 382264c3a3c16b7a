package bitcm

import (
	_ "embed"
	"fmt"
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

var textWarm = sync.OnceValues(func() (*Warm, error) { return ParseCompressedWarm(warmText) })

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
func TextConfig() (Config, error) {
	c := TextConfigCold()
	w, err := textWarm()
	if err != nil {
		return Config{}, err
	}
	c.Warm = w
	return c, nil
}

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
