package ctxcodec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/format"
)

var update = flag.Bool("update", false, "write the ctx golden archive (only for a new codec version)")

// goldenFiles is the content of testdata/golden-v1-ctx.dcar.
func goldenFiles() []struct {
	name string
	data []byte
} {
	w, h := 40, 24
	px := smoothImage(w, h, 3, 42)
	text := strings.Repeat("Whan that Aprille with his shoures soote the droghte of March hath perced to the roote,\n", 30)
	return []struct {
		name string
		data []byte
	}{
		{"golden/picture.ppm", ppmFile(w, h, px)},
		{"golden/picture.bmp", bmpFile(w, h, px, false)},
		{"golden/tale.txt", []byte(text)},
	}
}

func writeGolden(t *testing.T) []byte {
	var buf bytes.Buffer
	w := archive.NewWriter(&buf, archive.WriterOptions{Jobs: 1})
	for _, f := range goldenFiles() {
		kind := archive.Sniff(f.data)
		h := &format.Header{Path: f.name, Type: format.TypeRegular, Mode: 0o644, ModTime: time.Unix(1_700_000_000, 0),
			Size: int64(len(f.data)), Modality: kind.Modality, MIME: kind.MIME}
		var ch archive.Choice
		var ok bool
		if ch, ok = planImage(kind, bytes.NewReader(f.data), h.Size); !ok {
			ch, ok = planText(kind, bytes.NewReader(f.data), h.Size)
		}
		if !ok {
			t.Fatalf("%s: no ctx codec", f.name)
		}
		h.Codec, h.Params, h.BlockSize = ch.Codec, ch.Params, uint32(ch.BlockSize)
		if err := w.WriteEntry(h, bytes.NewReader(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGoldenCtx decodes the committed ctx golden archive: archives coded
// with ctx-image and ctx-text version 1 must decode forever, on every
// machine (CI runs it under -tags purego and on arm64).
func TestGoldenCtx(t *testing.T) {
	path := filepath.Join("..", "testdata", "golden-v1-ctx.dcar")
	if *update {
		if err := os.WriteFile(path, writeGolden(t), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	arc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, f := range goldenFiles() {
		s := sha256.Sum256(f.data)
		want[f.name] = hex.EncodeToString(s[:])
	}
	ar, err := archive.NewReader(bytes.NewReader(arc), archive.ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ar.Close()
	codecs := map[uint64]int{}
	for {
		h, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(ar)
		if err != nil {
			t.Fatalf("%s: %v", h.Path, err)
		}
		s := sha256.Sum256(data)
		if got := hex.EncodeToString(s[:]); got != want[h.Path] {
			t.Errorf("%s: sha256 %s, want %s", h.Path, got, want[h.Path])
		}
		codecs[h.Codec]++
		delete(want, h.Path)
	}
	if len(want) != 0 {
		t.Errorf("missing entries %v", want)
	}
	if codecs[format.CodecCtxImage] != 2 || codecs[format.CodecCtxText] != 1 {
		t.Errorf("codecs %v", codecs)
	}
	// The current encoder still writes the same bytes (a change here
	// means a new codec version is needed, not a new golden file).
	if got := writeGolden(t); !bytes.Equal(got, arc) {
		t.Error(fmt.Sprintf("ctx codecs no longer reproduce the golden archive (%d vs %d bytes): bump the codec version", len(got), len(arc)))
	}
}
