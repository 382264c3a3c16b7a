package codec

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/dcar-archiver/dcar/format"
	"github.com/klauspost/compress/zstd"
)

// storeCodec keeps bytes as they are.
type storeCodec struct{}

func (storeCodec) Compress(dst, src []byte, _ Block) ([]byte, error) {
	return append(dst, src...), nil
}

func (storeCodec) Decompress(dst, src []byte, rawLen int, _ Block) ([]byte, error) {
	if len(src) != rawLen {
		return dst, fmt.Errorf("%w: stored block of %d bytes, expected %d", format.ErrCorrupt, len(src), rawLen)
	}
	return append(dst, src...), nil
}

// zstdC is the zstd codec, also the fallback of every other codec.
var zstdC = &zstdCodec{}

// zstdCodec codes each block as one zstd frame without its own checksum
// (every block is covered by the record CRC and the entry's SHA-256).
type zstdCodec struct {
	mu   sync.Mutex
	encs map[zstd.EncoderLevel]*zstd.Encoder
	dec  *zstd.Decoder
}

// zstdLevel maps a zstd command-line level (1..22) onto the encoder
// levels of klauspost/compress.
func zstdLevel(level int) zstd.EncoderLevel {
	return zstd.EncoderLevelFromZstd(level)
}

func (z *zstdCodec) encoder(level int) (*zstd.Encoder, error) {
	l := zstdLevel(level)
	z.mu.Lock()
	defer z.mu.Unlock()
	if e, ok := z.encs[l]; ok {
		return e, nil
	}
	e, err := zstd.NewWriter(nil, blockEncoderOptions(l)...)
	if err != nil {
		return nil, err
	}
	if z.encs == nil {
		z.encs = map[zstd.EncoderLevel]*zstd.Encoder{}
	}
	z.encs[l] = e
	return e, nil
}

func (z *zstdCodec) Compress(dst, src []byte, b Block) ([]byte, error) {
	e, err := z.encoder(b.Level)
	if err != nil {
		return dst, err
	}
	return e.EncodeAll(src, dst), nil
}

func (z *zstdCodec) decoder() (*zstd.Decoder, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.dec != nil {
		return z.dec, nil
	}
	d, err := zstd.NewReader(nil, blockDecoderOptions()...)
	if err != nil {
		return nil, err
	}
	z.dec = d
	return d, nil
}

func (z *zstdCodec) Decompress(dst, src []byte, rawLen int, _ Block) ([]byte, error) {
	d, err := z.decoder()
	if err != nil {
		return dst, err
	}
	start := len(dst)
	out, err := d.DecodeAll(src, dst)
	if err != nil {
		return dst, fmt.Errorf("%w: zstd: %v", format.ErrCorrupt, err)
	}
	if len(out)-start != rawLen {
		return dst, fmt.Errorf("%w: zstd block decoded to %d bytes, expected %d", format.ErrCorrupt, len(out)-start, rawLen)
	}
	return out, nil
}

// blockEncoderOptions are the options of every zstd encoder of payload
// parts at level l: frames without their own checksum; the window never
// needs to exceed a block, and a fixed window keeps the output
// independent of anything but the input and level. Concurrency only sets
// how many EncodeAll calls may run at once (each is single threaded), so
// it does not change the output.
func blockEncoderOptions(l zstd.EncoderLevel) []zstd.EOption {
	return []zstd.EOption{
		zstd.WithEncoderLevel(l),
		zstd.WithEncoderCRC(false),
		zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)),
		zstd.WithWindowSize(format.MaxBlockSize),
		zstd.WithZeroFrames(true),
		zstd.WithSingleSegment(true),
	}
}

// blockDecoderOptions bound a zstd decoder's memory and window by a
// block.
func blockDecoderOptions() []zstd.DOption {
	return []zstd.DOption{
		zstd.WithDecoderConcurrency(0),
		zstd.WithDecoderMaxMemory(format.MaxBlockSize),
		zstd.WithDecoderMaxWindow(format.MaxBlockSize),
	}
}
