package ctxcodec

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

func modelTextBlock(t testing.TB) archive.Block {
	m, err := model.DefaultText()
	if err != nil {
		t.Fatal(err)
	}
	return archive.Block{Params: append([]byte{paramsVersion}, m.TextFingerprint[:]...)}
}

// Blocks of one entry are independent segments: a multi-block text
// round-trips, and each block can be decoded alone.
func TestModelTextBlocks(t *testing.T) {
	b := modelTextBlock(t)
	src := []byte(strings.Repeat("the quick brown fox jumps over the lazy dog. ", 300))
	enc, err := modelText{}.Compress(nil, src, b)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := modelText{}.Decompress(nil, enc, len(src), b)
	if err != nil || !bytes.Equal(dec, src) {
		t.Fatalf("round trip: %v", err)
	}
	if len(enc) > len(src)/3 {
		t.Errorf("%d bytes coded to %d", len(src), len(enc))
	}
	// truncated and corrupted streams are errors, never wrong output
	if out, err := (modelText{}).Decompress(nil, enc[:len(enc)/2], len(src), b); err == nil && bytes.Equal(out, src) {
		t.Error("truncated stream decoded")
	}
	if _, err := (modelText{}).Decompress(nil, enc, len(src), archive.Block{Params: []byte{paramsVersion, 9, 9, 9, 9, 9, 9, 9, 9}}); !errors.Is(err, ErrModelMismatch) {
		t.Errorf("unknown fingerprint: %v", err)
	}
}

func FuzzModelTextDecompress(f *testing.F) {
	b := modelTextBlock(f)
	enc, _ := modelText{}.Compress(nil, []byte("hello hello hello"), b)
	f.Add(enc, 17)
	f.Fuzz(func(t *testing.T, src []byte, n int) {
		if n < 0 || n > 1<<14 {
			return
		}
		modelText{}.Decompress(nil, src, n, b)
	})
}

// benchText is prose-like text with some structure (no evaluation data).
func benchText() []byte {
	var b strings.Builder
	words := strings.Fields("the model codes every byte of a text with the statistics of the bytes before it and a small network that corrects them when the context is long enough to matter")
	x := uint32(7)
	for b.Len() < 1<<18 {
		x = x*1664525 + 1013904223
		b.WriteString(words[(x>>16)%uint32(len(words))])
		if x>>28 == 0 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return []byte(b.String())
}

func BenchmarkModelTextCompress(b *testing.B)   { benchCompress(b, modelText{}, modelTextBlock(b)) }
func BenchmarkModelTextDecompress(b *testing.B) { benchDecompress(b, modelText{}, modelTextBlock(b)) }

// benchCompress and benchDecompress measure a text codec on benchText.
func benchCompress(b *testing.B, c archive.Codec, blk archive.Block) {
	src := benchText()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Compress(nil, src, blk); err != nil {
			b.Fatal(err)
		}
	}
}

func benchDecompress(b *testing.B, c archive.Codec, blk archive.Block) {
	src := benchText()
	enc, err := c.Compress(nil, src, blk)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Decompress(nil, enc, len(src), blk); err != nil {
			b.Fatal(err)
		}
	}
}

// With CreateOptions.Best, a text entry goes through model-text exactly
// when the network codes its first trialBytes smaller than cm-text; the
// default is cm-text. Everything comes back exactly.
func TestBestRoutesText(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "archive", "writer.go"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"code.txt": src,
		"rep.txt":  []byte(strings.Repeat("line one\r\nline two, a little longer\r\n", 80)),
		"abc.txt":  []byte(strings.Repeat("abcdefghij", 20000)),
	}
	m, err := model.DefaultText()
	if err != nil {
		t.Fatal(err)
	}
	netWins := map[string]bool{}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		trial := b[:min(len(b), trialBytes)]
		enc, err := m.Text.EncodeText(nil, trial)
		if err != nil {
			t.Fatal(err)
		}
		cm, err := bitcm.Encode(trial, bitcm.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		netWins[name] = len(enc) < len(cm)
		t.Logf("%s: model-text %d bytes, cm-text %d bytes", name, len(enc), len(cm))
	}
	for _, best := range []bool{false, true} {
		var buf bytes.Buffer
		if err := archive.Create(&buf, []string{dir}, archive.CreateOptions{Best: best}); err != nil {
			t.Fatal(err)
		}
		idx, err := archive.ReadIndex(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range idx {
			name := filepath.Base(e.Header.Path)
			if _, ok := files[name]; !ok {
				continue
			}
			want := format.CodecCMText
			if best && netWins[name] {
				want = format.CodecModelText
			}
			if e.Header.Codec != want {
				t.Errorf("best=%v %s: codec %s, want %s", best, name, archive.CodecName(e.Header.Codec), archive.CodecName(want))
			}
		}
		out := t.TempDir()
		if err := archive.Extract(bytes.NewReader(buf.Bytes()), out, archive.ExtractOptions{}); err != nil {
			t.Fatal(err)
		}
		for name, b := range files {
			got, err := os.ReadFile(filepath.Join(out, archive.EntryName(dir), name))
			if err != nil || !bytes.Equal(got, b) {
				t.Errorf("best=%v %s: round trip failed (%v)", best, name, err)
			}
		}
	}
}
