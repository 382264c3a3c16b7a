package ctxcodec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/pixels"
	"github.com/dcar-archiver/dcar/format/pixels/pixeltest"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// smoothImage draws a gradient with a little noise: something an image
// model compresses well and zstd does not.
func smoothImage(w, h, c int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 3))
	px := make([]byte, w*h*c)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for k := 0; k < c; k++ {
				v := (x*3+y*2+k*40)%256 + rng.IntN(5) - 2
				px[(y*w+x)*c+k] = byte(min(max(v, 0), 255))
			}
		}
	}
	return px
}

func ppmFile(w, h int, px []byte) []byte {
	return append([]byte(fmt.Sprintf("P6\n# made by a test\n%d %d\n255\n", w, h)), px...)
}

func bmpFile(w, h int, px []byte, topDown bool) []byte { return pixeltest.BMP24(w, h, px, topDown) }

func roundTrip(t *testing.T, files map[string][]byte, jobs int) ([]byte, []format.IndexEntry) {
	t.Helper()
	return roundTripIn(t, filepath.Join(t.TempDir(), "in"), files, jobs)
}

func roundTripIn(t *testing.T, dir string, files map[string][]byte, jobs int) ([]byte, []format.IndexEntry) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			continue // written by an earlier call: keep its mtime
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := archive.Create(&buf, []string{dir}, archive.CreateOptions{WriterOptions: archive.WriterOptions{Jobs: jobs}}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := archive.Extract(bytes.NewReader(buf.Bytes()), out, archive.ExtractOptions{Jobs: jobs}); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		got, err := os.ReadFile(filepath.Join(out, archive.EntryName(dir), name))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: content differs (%v)", name, err)
		}
	}
	idx, err := archive.ReadIndex(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), idx
}

func TestImagesAndText(t *testing.T) {
	files := map[string][]byte{}
	for _, sz := range [][2]int{{1, 1}, {7, 5}, {64, 48}, {33, 17}} {
		w, h := sz[0], sz[1]
		px := smoothImage(w, h, 3, uint64(w))
		files[fmt.Sprintf("p%dx%d.ppm", w, h)] = ppmFile(w, h, px)
		files[fmt.Sprintf("b%dx%d.bmp", w, h)] = bmpFile(w, h, px, false)
		files[fmt.Sprintf("t%dx%d.bmp", w, h)] = bmpFile(w, h, px, true)
		gray := smoothImage(w, h, 1, uint64(h))
		files[fmt.Sprintf("g%dx%d.pgm", w, h)] = append([]byte(fmt.Sprintf("P5 %d %d 255\n", w, h)), gray...)
	}
	files["doc.txt"] = []byte(strings.Repeat("The archive keeps every byte. ", 400))
	files["one.txt"] = []byte("x")
	files["crlf.txt"] = []byte(strings.Repeat("line\r\n", 1000))
	files["long-line.txt"] = []byte(strings.Repeat("abcdefghij", 20000))
	files["latin1.txt"] = []byte("caf\xe9 cr\xe8me br\xfbl\xe9e\n") // not UTF-8: not text, other bytes
	files["trailer.ppm"] = append(ppmFile(20, 10, smoothImage(20, 10, 3, 9)), "trailing junk"...)
	var first []byte
	dir := filepath.Join(t.TempDir(), "in")
	for _, jobs := range []int{1, 3} {
		arc, idx := roundTripIn(t, dir, files, jobs)
		if first == nil {
			first = arc
		} else if !bytes.Equal(first, arc) {
			t.Fatal("archive bytes depend on --jobs")
		}
		for _, e := range idx {
			name := filepath.Base(e.Header.Path)
			switch {
			case strings.HasSuffix(name, ".txt") && name != "latin1.txt" && e.Header.Codec != format.CodecCMText:
				t.Errorf("%s coded with %s", name, archive.CodecName(e.Header.Codec))
			case (strings.HasSuffix(name, ".ppm") || strings.HasSuffix(name, ".bmp") || strings.HasSuffix(name, ".pgm")) && e.Header.Codec != format.CodecModelImage:
				t.Errorf("%s coded with %s", name, archive.CodecName(e.Header.Codec))
			case name == "latin1.txt" && e.Header.Codec != format.CodecCMBin:
				t.Errorf("latin1.txt coded with %s", archive.CodecName(e.Header.Codec))
			}
		}
	}
}

// TestImageBlocks codes an image cut into blocks that split rows, with
// the codec used directly so every block goes through it.
func TestImageBlocks(t *testing.T) {
	w, h := 50, 40
	data := bmpFile(w, h, smoothImage(w, h, 3, 5), false)
	l, _, err := pixels.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []imageCodec{ctxImage, modelImage} {
		params, err := c.params(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, bs := range []int{100, 333, 1000, len(data)} {
			var out []byte
			for off := 0; off < len(data); off += bs {
				blk := data[off:min(len(data), off+bs)]
				b := archive.Block{Index: int64(off / bs), Offset: int64(off), EntrySize: int64(len(data)), Params: params}
				enc, err := c.Compress(nil, blk, b)
				if err != nil {
					t.Fatal(err)
				}
				out, err = c.Decompress(out, enc, len(blk), b)
				if err != nil {
					t.Fatalf("%s: block size %d, block at %d: %v", c.name, bs, off, err)
				}
			}
			if !bytes.Equal(out, data) {
				t.Fatalf("%s: block size %d: round trip differs", c.name, bs)
			}
		}
	}
}

func TestRatioBeatsZstd(t *testing.T) {
	w, h := 128, 96
	ppm := ppmFile(w, h, smoothImage(w, h, 3, 11))
	text := []byte(strings.Repeat("It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.\n", 60))
	_, idx := roundTrip(t, map[string][]byte{"a.ppm": ppm, "b.txt": text}, 2)
	z, _ := archive.LookupCodec(format.CodecZstd)
	for _, e := range idx {
		var raw []byte
		switch filepath.Base(e.Header.Path) {
		case "a.ppm":
			raw = ppm
		case "b.txt":
			raw = text
		default:
			continue
		}
		zs, _ := z.Compress(nil, raw, archive.Block{Level: 19})
		t.Logf("%s: %d bytes, stored %d, zstd-19 %d", e.Header.Path, len(raw), e.Stored, len(zs))
		if e.Stored > int64(len(zs))+200 {
			t.Errorf("%s: %d stored bytes, zstd -19 needs %d", e.Header.Path, e.Stored, len(zs))
		}
	}
}

func TestBadParams(t *testing.T) {
	for _, c := range []archive.Codec{ctxImage, modelImage, ctxText, modelText{}} {
		if _, err := c.Decompress(nil, []byte{0}, 1, archive.Block{Params: []byte{99}}); err == nil {
			t.Errorf("%T accepted unknown parameters", c)
		}
		// Another model's fingerprint is named in the error.
		p := []byte{paramsVersion, 1, 2, 3, 4, 5, 6, 7, 8}
		_, err := c.Decompress(nil, []byte{0}, 1, archive.Block{Params: p, EntrySize: 1})
		if !errors.Is(err, ErrModelMismatch) || !strings.Contains(err.Error(), "0102030405060708") {
			t.Errorf("%T with another model: %v", c, err)
		}
	}
}

func FuzzImageDecompress(f *testing.F) {
	data := ppmFile(6, 4, smoothImage(6, 4, 3, 1))
	l, _, _ := pixels.Parse(data)
	var bs []archive.Block
	for _, c := range []imageCodec{ctxImage, modelImage} {
		p, err := c.params(l)
		if err != nil {
			f.Fatal(err)
		}
		b := archive.Block{EntrySize: int64(len(data)), Params: p}
		enc, _ := c.Compress(nil, data, b)
		f.Add(enc)
		bs = append(bs, b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		ctxImage.Decompress(nil, src, len(data), bs[0])
		modelImage.Decompress(nil, src, len(data), bs[1])
	})
}

func FuzzTextDecompress(f *testing.F) {
	fp := txtctx.DefaultFingerprint
	b := archive.Block{Params: append([]byte{paramsVersion}, fp[:]...)}
	enc, _ := ctxText.Compress(nil, []byte("hello hello hello"), b)
	f.Add(enc, 17)
	f.Fuzz(func(t *testing.T, src []byte, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		ctxText.Decompress(nil, src, n, b)
	})
}

var _ = io.EOF
