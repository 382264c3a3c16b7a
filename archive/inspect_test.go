package archive

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format"
)

// BlockCodecs reports the codec of every block from the block headers
// alone: an incompressible block is stored, a compressible one zstd,
// and a damaged archive gives an error, not a panic.
func TestBlockCodecs(t *testing.T) {
	noise := make([]byte, 70_000)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	// Three blocks of 32 KiB: noise, noise + text, text.
	data := append(noise[:65536:65536], bytes.Repeat([]byte("compressible "), 3000)...)
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{KeepCodec: true, Jobs: 2, BlockSize: 32 << 10})
	h := &format.Header{Path: "f", Type: format.TypeRegular, Mode: 0o644, ModTime: time.Unix(1, 0), Size: int64(len(data)), Codec: format.CodecZstd}
	if err := w.WriteEntry(h, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	arc := buf.Bytes()
	idx, err := ReadIndex(bytes.NewReader(arc), int64(len(arc)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := BlockCodecs(bytes.NewReader(arc), idx[0])
	if err != nil {
		t.Fatal(err)
	}
	if got[format.CodecStore] != 65536 || got[format.CodecZstd] != int64(len(data))-65536 || len(got) != 2 {
		t.Errorf("block codecs %v", got)
	}
	for _, cut := range []int{int(idx[0].Offset) + 40, len(arc) / 2} {
		if _, err := BlockCodecs(bytes.NewReader(arc[:cut]), idx[0]); err == nil {
			t.Errorf("archive cut at %d: no error", cut)
		}
	}
}
