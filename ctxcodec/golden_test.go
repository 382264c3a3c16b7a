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
	"github.com/dcar-archiver/dcar/model/imgnet"
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

// planFunc picks the codec of a golden entry.
type planFunc func(k archive.Kind, r io.ReaderAt, size int64) (archive.Choice, bool)

// planCtx codes images with ctx-image (golden-v1-ctx.dcar).
func planCtx(k archive.Kind, r io.ReaderAt, size int64) (archive.Choice, bool) {
	return planImageWith(ctxImage, format.CodecCtxImage, k, r, size)
}

// planModel codes images with model-image and the network the golden was
// written with, which stays embedded forever (golden-v1-model.dcar).
func planModel(k archive.Kind, r io.ReaderAt, size int64) (archive.Choice, bool) {
	c := modelImage
	c.current = func() ([8]byte, error) {
		all, err := imgnet.Shipped()
		if err != nil {
			return [8]byte{}, err
		}
		for _, m := range all {
			if m.Name == "rec96.dcw" {
				return m.Fingerprint, nil
			}
		}
		return [8]byte{}, fmt.Errorf("rec96.dcw not embedded")
	}
	return planImageWith(c, format.CodecModelImage, k, r, size)
}

func writeGolden(t *testing.T, plan planFunc) []byte {
	var buf bytes.Buffer
	w := archive.NewWriter(&buf, archive.WriterOptions{Jobs: 1})
	for _, f := range goldenFiles() {
		kind := archive.Sniff(f.data)
		h := &format.Header{Path: f.name, Type: format.TypeRegular, Mode: 0o644, ModTime: time.Unix(1_700_000_000, 0),
			Size: int64(len(f.data)), Modality: kind.Modality, MIME: kind.MIME}
		var ch archive.Choice
		var ok bool
		if ch, ok = plan(kind, bytes.NewReader(f.data), h.Size); !ok {
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

// TestGoldenCtx decodes the committed golden archives: archives coded
// with ctx-image, model-image and ctx-text version 1 must decode forever,
// on every machine (CI runs it under -tags purego and on arm64).
func TestGoldenCtx(t *testing.T) {
	for _, g := range []struct {
		file      string
		plan      planFunc
		imageWith uint64
	}{
		{"golden-v1-ctx.dcar", planCtx, format.CodecCtxImage},
		{"golden-v1-model.dcar", planModel, format.CodecModelImage},
	} {
		t.Run(g.file, func(t *testing.T) { testGolden(t, g.file, g.plan, g.imageWith) })
	}
}

func testGolden(t *testing.T, file string, plan planFunc, imageWith uint64) {
	path := filepath.Join("..", "testdata", file)
	if *update {
		if _, err := os.Stat(path); err == nil {
			t.Logf("%s exists: not rewritten (goldens are forever)", path)
		} else if err := os.WriteFile(path, writeGolden(t, plan), 0o644); err != nil {
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
	if codecs[imageWith] != 2 || codecs[format.CodecCtxText] != 1 {
		t.Errorf("codecs %v", codecs)
	}
	// The current encoder still writes the same bytes (a change here
	// means a new codec version is needed, not a new golden file).
	if got := writeGolden(t, plan); !bytes.Equal(got, arc) {
		t.Error(fmt.Sprintf("ctx codecs no longer reproduce the golden archive (%d vs %d bytes): bump the codec version", len(got), len(arc)))
	}
}
