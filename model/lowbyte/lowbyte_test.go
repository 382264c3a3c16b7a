package lowbyte

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/model/imgctx"
	"github.com/klauspost/compress/zstd"
)

// synthetic returns a w×h 16-bit image of ch channels: a smooth ramp
// with a little texture, widened-from-8-bit in its left third, so that
// every context family sees work.
func synthetic(w, h, ch int) (hi, lo []byte) {
	hi, lo = make([]byte, w*h*ch), make([]byte, w*h*ch)
	s := uint32(1)
	for y := range h {
		for x := range w {
			for c := range ch {
				s = s*1664525 + 1013904223
				v := uint32(x*300+y*200+c*5000) + s>>28
				if x < w/3 {
					v = (v >> 8) * 257
				}
				i := (y*w+x)*ch + c
				hi[i], lo[i] = byte(v>>8), byte(v)
			}
		}
	}
	return hi, lo
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct{ w, h, ch, nb int }{{1, 1, 1, 8}, {1, 7, 3, 8}, {9, 1, 2, 1}, {33, 17, 3, 4}, {20, 20, 4, 7}} {
		hi, lo := synthetic(tc.w, tc.h, tc.ch)
		for i := range lo {
			lo[i] >>= 8 - tc.nb
		}
		enc, err := Encode(nil, hi, lo, tc.w, tc.h, tc.ch, tc.nb)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(enc, hi, tc.w, tc.h, tc.ch, tc.nb)
		if err != nil || !bytes.Equal(back, lo) {
			t.Fatalf("%v: round trip failed (%v)", tc, err)
		}
	}
}

// TestGolden pins the coded bits: a change to the model must come with
// a new Fingerprint.
func TestGolden(t *testing.T) {
	hi, lo := synthetic(64, 48, 3)
	enc, err := Encode(nil, hi, lo, 64, 48, 3, 8)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(enc)
	const want = "11e81a45ba44bed3"
	if got := hex.EncodeToString(sum[:8]); got != want {
		t.Errorf("stream %s (%d bytes), want %s: the model changed; give it a new Fingerprint", got, len(enc), want)
	}
}

func TestBadSizes(t *testing.T) {
	if _, err := Encode(nil, make([]byte, 5), make([]byte, 5), 2, 2, 1, 8); !errors.Is(err, ErrSize) {
		t.Errorf("Encode: %v", err)
	}
	if _, err := Decode(nil, make([]byte, 6), 2, 2, 2, 8); !errors.Is(err, ErrSize) {
		t.Errorf("Decode: %v", err)
	}
	if _, err := Decode([]byte{1, 2, 3}, make([]byte, 4), 2, 2, 1, 8); err == nil {
		t.Error("Decode of a short stream: no error")
	}
}

func FuzzDecode(f *testing.F) {
	hi, lo := synthetic(8, 5, 3)
	enc, _ := Encode(nil, hi, lo, 8, 5, 3, 8)
	f.Add(enc, hi[:40], 8, 8)
	f.Fuzz(func(t *testing.T, src, hi []byte, w, nb int) {
		if w <= 0 || len(hi) == 0 || len(hi)%w != 0 || len(hi) > 1<<12 {
			return
		}
		Decode(src, hi, w, len(hi)/w, 1, nb)
	})
}

// TestMeasure codes the 16-bit PNGs under $LOWBYTE_DIR: the high bytes
// with imgctx, the low bytes with this model, and, for comparison, the
// low bytes as a plane of their own through imgctx and through zstd.
func TestMeasure(t *testing.T) {
	dir := os.Getenv("LOWBYTE_DIR")
	if dir == "" {
		t.Skip("LOWBYTE_DIR not set")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	zw, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	var tot, tHi, tLo, tPlane, tZ, n int
	var dur time.Duration
	for _, path := range files {
		hi, lo, w, h, ch := load16(t, path)
		if hi == nil {
			continue
		}
		nb := Split(hi, lo)
		eh, _ := imgctx.EncodeStripeConfig(nil, hi, w, h, ch, imgctx.DefaultConfig)
		t0 := time.Now()
		el, err := Encode(nil, hi, lo, w, h, ch, nb)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(el, hi, w, h, ch, nb)
		dur += time.Since(t0)
		if err != nil || !bytes.Equal(back, lo) {
			t.Fatalf("%s: round trip failed (%v)", path, err)
		}
		ep, _ := imgctx.EncodeStripeConfig(nil, lo, w, h, ch, imgctx.DefaultConfig)
		ez := zw.EncodeAll(lo, nil)
		fi, _ := os.Stat(path)
		t.Logf("%-12s nb %d %8d: high %8d  low %8d (plane %8d, zstd %8d)  %.3f bpsp", filepath.Base(path), nb, fi.Size(), len(eh), len(el), len(ep), len(ez), 8*float64(len(eh)+len(el))/float64(len(hi)))
		tot += int(fi.Size())
		tHi += len(eh)
		tLo += len(el)
		tPlane += len(ep)
		tZ += len(ez)
		n += len(hi)
	}
	t.Logf("total %d: high %d + low %d = %d (%.3f bits per 16-bit sample); low as a plane %d, zstd %d; low model %.2f µs/sample encode+decode",
		tot, tHi, tLo, tHi+tLo, 8*float64(tHi+tLo)/float64(n), tPlane, tZ, float64(dur.Microseconds())/float64(n))
}

func load16(t *testing.T, path string) (hi, lo []byte, w, h, ch int) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	r := img.Bounds()
	w, h = r.Dx(), r.Dy()
	switch m := img.(type) {
	case *image.Gray16:
		ch = 1
		hi, lo = make([]byte, w*h), make([]byte, w*h)
		for i := range w * h {
			hi[i], lo[i] = m.Pix[2*(i/w*m.Stride/2+i%w)], m.Pix[2*(i/w*m.Stride/2+i%w)+1]
		}
	case *image.RGBA64, *image.NRGBA64:
		var pix []byte
		var stride int
		if a, ok := m.(*image.RGBA64); ok {
			pix, stride = a.Pix, a.Stride
		} else {
			a := m.(*image.NRGBA64)
			pix, stride = a.Pix, a.Stride
		}
		ch = 3
		hi, lo = make([]byte, w*h*3), make([]byte, w*h*3)
		for y := range h {
			for x := range w {
				for c := range 3 {
					o := y*stride + x*8 + 2*c
					hi[(y*w+x)*3+c], lo[(y*w+x)*3+c] = pix[o], pix[o+1]
				}
			}
		}
	default:
		return nil, nil, 0, 0, 0
	}
	return hi, lo, w, h, ch
}
