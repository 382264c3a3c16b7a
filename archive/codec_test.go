package archive

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
)

// testCodecID is a codec only the tests register: it stores its block
// XORed, records the block's place, and pads, so that it always loses to
// zstd on compressible data and to store on random data.
const testCodecID = 250

type placeCodec struct{}

func (placeCodec) Compress(dst, src []byte, b codec.Block) ([]byte, error) {
	dst = binary.AppendUvarint(dst, uint64(b.Index))
	dst = binary.AppendUvarint(dst, uint64(b.Offset))
	for _, c := range src {
		dst = append(dst, c^0x55)
	}
	return append(dst, make([]byte, 64)...), nil
}

func (placeCodec) Decompress(dst, src []byte, rawLen int, b codec.Block) ([]byte, error) {
	i, n1 := binary.Uvarint(src)
	o, n2 := binary.Uvarint(src[n1:])
	if int64(i) != b.Index || int64(o) != b.Offset {
		return dst, fmt.Errorf("block coded as %d@%d decoded as %d@%d", i, o, b.Index, b.Offset)
	}
	src = src[n1+n2:]
	if len(src) != rawLen+64 {
		return dst, errors.New("bad length")
	}
	for _, c := range src[:rawLen] {
		dst = append(dst, c^0x55)
	}
	return dst, nil
}

func init() { codec.Register(testCodecID, "test-place", placeCodec{}) }

func TestPerBlockFallback(t *testing.T) {
	text := strings.Repeat("a line of text that compresses well\n", 500)
	noise := make([]byte, 10000)
	x := uint64(7)
	for i := range noise {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		noise[i] = byte(x)
	}
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{KeepCodec: true, BlockSize: 4096})
	for _, e := range []struct {
		name string
		data []byte
	}{{"text", []byte(text)}, {"noise", noise}} {
		h := &format.Header{Path: e.name, Type: format.TypeRegular, Size: int64(len(e.data)), Codec: testCodecID}
		if err := w.WriteEntry(h, bytes.NewReader(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Every block fell back: zstd for text, store for noise.
	s, _ := format.NewScanner(bytes.NewReader(buf.Bytes()))
	seen := map[uint64]int{}
	for {
		rec, err := s.Next()
		if err != nil || rec.Tag == format.TagIndex {
			break
		}
		if rec.Tag == format.TagBlock {
			bh, _, _ := format.ParseBlock(rec.Body)
			seen[bh.Codec]++
		}
	}
	if seen[format.CodecZstd] == 0 || seen[format.CodecStore] == 0 || seen[testCodecID] != 0 {
		t.Errorf("block codecs %v", seen)
	}
	ar, err := NewReader(bytes.NewReader(buf.Bytes()), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range [][]byte{[]byte(text), noise} {
		if _, err := ar.Next(); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(ar)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("content differs (%v)", err)
		}
	}
}

// TestCodecBlockPlace checks that a codec's blocks are decoded with the
// same index and offset they were coded with, using a block size the
// entry asks for.
func TestCodecBlockPlace(t *testing.T) {
	data := bytes.Repeat([]byte{1}, 10000)
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{KeepCodec: true, BlockSize: 1 << 20})
	h := &format.Header{Path: "f", Type: format.TypeRegular, Size: int64(len(data)), Codec: testCodecID, BlockSize: 3000}
	if err := w.WriteEntry(h, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// Force the test codec's blocks by re-framing: decode must see the
	// right places even for blocks the writer would have replaced.
	idx, err := ReadIndex(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || idx[0].Header.BlockSize != 3000 {
		t.Fatalf("block size %v, %v", idx, err)
	}
	r := newRaw()
	hh := idx[0].Header
	r.b = format.AppendRecord(r.b, format.TagEntry, hh.MarshalBody(nil))
	sum := newSHA()
	for i := 0; i*3000 < len(data); i++ {
		chunk := data[i*3000 : min(len(data), (i+1)*3000)]
		body := (&format.BlockHeader{Codec: testCodecID, RawLen: uint32(len(chunk))}).Marshal(nil)
		body, _ = placeCodec{}.Compress(body, chunk, codec.Block{Index: int64(i), Offset: int64(i * 3000)})
		r.b = format.AppendRecord(r.b, format.TagBlock, body)
		sum.Write(chunk)
	}
	e := format.End{Blocks: 4, Size: uint64(len(data))}
	sum.Sum(e.SHA256[:0])
	r.b = format.AppendRecord(r.b, format.TagEnd, e.MarshalBody(nil))
	r.idx = nil
	arc := r.bytes()
	rep, err := Verify(bytes.NewReader(arc), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range rep.Damaged {
		if !strings.Contains(d.Err.Error(), "index") {
			t.Errorf("damage: %v", d.Err)
		}
	}
}
