package archive

import (
	"bytes"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
)

// countingCodec is a model stand-in that counts the blocks it is asked
// to code.
type countingCodec struct{ calls *atomic.Int32 }

func (c countingCodec) Compress(dst, src []byte, _ codec.Block) ([]byte, error) {
	c.calls.Add(1)
	return append(dst, src...), nil
}

func (countingCodec) Decompress(dst, src []byte, _ int, _ codec.Block) ([]byte, error) {
	return append(dst, src...), nil
}

var countingCalls atomic.Int32

const countingCodecID = 251

func init() { codec.Register(countingCodecID, "test-counting", countingCodec{&countingCalls}) }

// TestTrivialBlocksSkipTheModel: a block of zeros (or anything zstd -1
// shrinks 256-fold) goes to zstd without its model running (issue: 32 MiB
// of zeros took minutes of model time to end as a 1.3 KB zstd block);
// other blocks still get their model.
func TestTrivialBlocksSkipTheModel(t *testing.T) {
	text := bytes.Repeat([]byte("every line a little different? no, the same line, 0123456789\n"), 1)
	var varied []byte
	for i := 0; len(varied) < 1<<20; i++ {
		varied = append(varied, text...)
		varied = append(varied, byte(i), byte(i>>8), byte(i*7))
	}
	for _, tc := range []struct {
		name      string
		data      []byte
		wantModel bool
	}{
		{"zeros", make([]byte, 3<<20), false},
		{"one byte repeated", bytes.Repeat([]byte{0xa5}, 1<<20), false},
		{"varied", varied, true},
		{"small zeros", make([]byte, 1000), true}, // below the size worth checking
	} {
		countingCalls.Store(0)
		var buf bytes.Buffer
		w := NewWriter(&buf, WriterOptions{KeepCodec: true, Jobs: 1})
		h := &Header{Path: "f", Type: TypeRegular, Mode: 0o644, ModTime: time.Unix(1, 0), Size: int64(len(tc.data)), Codec: countingCodecID}
		if err := w.WriteEntry(h, bytes.NewReader(tc.data)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got := countingCalls.Load() > 0; got != tc.wantModel {
			t.Errorf("%s: model ran %d times, want ran=%v", tc.name, countingCalls.Load(), tc.wantModel)
		}
		idx, err := ReadIndex(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		by, err := BlockCodecs(bytes.NewReader(buf.Bytes()), idx[0])
		if err != nil {
			t.Fatal(err)
		}
		if !tc.wantModel && (len(by) != 1 || by[format.CodecZstd] == 0) {
			t.Errorf("%s: blocks coded as %v, want zstd", tc.name, by)
		}
		ar, err := NewReader(bytes.NewReader(buf.Bytes()), ReaderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ar.Next()
		var got bytes.Buffer
		if _, err := got.ReadFrom(ar); err != nil || !bytes.Equal(got.Bytes(), tc.data) {
			t.Errorf("%s: round trip: %v", tc.name, err)
		}
		ar.Close()
	}
}
