package codec

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/pixels"
	"github.com/dcar-archiver/dcar/format/pixels/pixeltest"
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

// blockRoundTrip codes data as one block of codec c with params, checks
// that it decodes back and returns the payload; nil when c declines it.
func blockRoundTrip(t *testing.T, c Codec, data, params []byte) []byte {
	t.Helper()
	b := Block{EntrySize: int64(len(data)), Params: params}
	enc, err := c.Compress(nil, data, b)
	if errors.Is(err, ErrDeclined) {
		return nil
	}
	if err != nil {
		t.Fatalf("%d bytes: %v", len(data), err)
	}
	dec, err := c.Decompress(nil, enc, len(data), b)
	if err != nil || !bytes.Equal(dec, data) {
		t.Fatalf("%d bytes: round trip: %v", len(data), err)
	}
	return enc
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
				b := Block{Index: int64(off / bs), Offset: int64(off), EntrySize: int64(len(data)), Params: params}
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

func TestBadParams(t *testing.T) {
	for _, c := range []Codec{ctxImage, modelImage, ctxText, modelText{}} {
		if _, err := c.Decompress(nil, []byte{0}, 1, Block{Params: []byte{99}}); err == nil {
			t.Errorf("%T accepted unknown parameters", c)
		}
		// Another model's fingerprint is named in the error.
		p := []byte{paramsVersion, 1, 2, 3, 4, 5, 6, 7, 8}
		_, err := c.Decompress(nil, []byte{0}, 1, Block{Params: p, EntrySize: 1})
		if !errors.Is(err, ErrModelMismatch) || !strings.Contains(err.Error(), "0102030405060708") {
			t.Errorf("%T with another model: %v", c, err)
		}
	}
}

func FuzzImageDecompress(f *testing.F) {
	data := ppmFile(6, 4, smoothImage(6, 4, 3, 1))
	l, _, _ := pixels.Parse(data)
	var bs []Block
	codecs := []imageCodec{ctxImage, modelImage, modelImageCM}
	for _, c := range codecs {
		p, err := c.params(l)
		if err != nil {
			f.Fatal(err)
		}
		b := Block{EntrySize: int64(len(data)), Params: p}
		enc, _ := c.Compress(nil, data, b)
		f.Add(enc)
		bs = append(bs, b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for i, c := range codecs {
			c.Decompress(nil, src, len(data), bs[i])
		}
	})
}

// The default codes a flat image (most samples repeat their left
// neighbour: text pages, diagrams, screenshots) with the context-mixing
// stage, a photo with the network alone; the stage's entry decodes and
// is smaller than the network's.
func TestPlanImageFlat(t *testing.T) {
	w, h := 96, 64
	page := make([]byte, w*h)
	for i := range page {
		page[i] = 255
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for range 40 { // strokes of "text"
		x, y, n := rng.IntN(w-12), rng.IntN(h), 3+rng.IntN(9)
		for i := range n {
			page[y*w+x+i] = byte(rng.IntN(3) * 40)
		}
	}
	pgm := append([]byte(fmt.Sprintf("P5\n%d %d\n255\n", w, h)), page...)
	photo := ppmFile(w, h, smoothImage(w, h, 3, 7))
	cm, err := defaultCMFingerprint()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		cm   bool
	}{{"page", pgm, true}, {"photo", photo, false}} {
		l, _, err := pixels.Parse(tc.data)
		if err != nil {
			t.Fatal(err)
		}
		if got := flat(l, tc.data); got != tc.cm {
			t.Errorf("%s: flat %v", tc.name, got)
		}
		ch, ok := planImage(Kind{Modality: format.ModalityImage}, bytes.NewReader(tc.data), int64(len(tc.data)))
		if !ok {
			t.Fatalf("%s: not planned", tc.name)
		}
		if got := bytes.Contains(ch.Params, cm[:]); got != tc.cm {
			t.Errorf("%s: planned with the context-mixing stage: %v", tc.name, got)
		}
	}
	// The stage against the network alone on the page: both round-trip,
	// the stage smaller.
	l, _, _ := pixels.Parse(pgm)
	var sizes [2]int
	for i, c := range []imageCodec{modelImage, modelImageCM} {
		params, err := c.params(l)
		if err != nil {
			t.Fatal(err)
		}
		sizes[i] = len(blockRoundTrip(t, c, pgm, params))
	}
	if sizes[1] >= sizes[0] {
		t.Errorf("the flat page: %d bytes through the stage, %d through the network", sizes[1], sizes[0])
	}
}
