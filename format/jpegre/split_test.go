package jpegre

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func fixtures(t testing.TB) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob("testdata/*.jpg")
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	m := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		m[filepath.Base(n)] = b
	}
	return m
}

// unsupported are the fixtures Split must refuse with ErrUnsupported.
var unsupported = map[string]bool{"arith.jpg": true}

func TestRoundTrip(t *testing.T) {
	for name, b := range fixtures(t) {
		img, side, err := Split(b, 1<<20)
		if unsupported[name] {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("%s: err = %v, want ErrUnsupported", name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		lay, err := Layout(side, 1<<20)
		if err != nil {
			t.Fatalf("%s: Layout: %v", name, err)
		}
		if lay.Width != img.Width || lay.Height != img.Height || len(lay.Comps) != len(img.Comps) {
			t.Fatalf("%s: layout %dx%d/%d, image %dx%d/%d", name, lay.Width, lay.Height, len(lay.Comps), img.Width, img.Height, len(img.Comps))
		}
		nz := 0
		for i := range lay.Comps {
			a, c := lay.Comps[i], img.Comps[i]
			if a.BW != c.BW || a.BH != c.BH || a.Quant != c.Quant || a.H != c.H || a.V != c.V {
				t.Fatalf("%s: component %d differs between Split and Layout", name, i)
			}
			copy(a.Coef, c.Coef)
			for _, v := range c.Coef {
				if v != 0 {
					nz++
				}
			}
		}
		if nz == 0 {
			t.Errorf("%s: every coefficient is zero", name)
		}
		out, err := Rebuild(nil, lay, side)
		if err != nil || !bytes.Equal(out, b) {
			t.Errorf("%s: rebuild differs (err %v)", name, err)
		}
		// A changed coefficient must change the file.
		lay.Comps[0].Coef[64*3+1] += 3
		out2, err := Rebuild(nil, lay, side)
		if err == nil && bytes.Equal(out2, b) {
			t.Errorf("%s: a changed coefficient rebuilt the same file", name)
		}
		t.Logf("%s: %dx%d, %d components, %d blocks, side %d of %d bytes", name, img.Width, img.Height, len(img.Comps), img.Blocks(), len(side), len(b))
	}
}

// TestCoefficients checks decoded values against what the encoder is
// known to produce: a flat grey image has a single non-zero DC per
// block and no AC.
func TestGeometry(t *testing.T) {
	b := fixtures(t)["q75-420.jpg"]
	img, _, err := Split(b, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	// 77x53, 4:2:0: MCUs of 16x16, 5x4 of them.
	if img.Width != 77 || img.Height != 53 || img.Comps[0].BW != 10 || img.Comps[0].BH != 8 || img.Comps[1].BW != 5 || img.Comps[1].BH != 4 {
		t.Fatalf("geometry %dx%d, Y %dx%d, Cb %dx%d", img.Width, img.Height, img.Comps[0].BW, img.Comps[0].BH, img.Comps[1].BW, img.Comps[1].BH)
	}
	if img.Comps[0].Quant[0] == 0 || img.Comps[1].Quant[0] == 0 {
		t.Fatal("quantisation tables missing")
	}
}

func TestRejects(t *testing.T) {
	b := fixtures(t)["q85-rst1.jpg"]
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"truncated", b[:len(b)/2]},
		{"no EOI", b[:len(b)-2]},
		{"not a JPEG", []byte("GIF89a......")},
	} {
		_, _, err := Split(tc.data, 1<<20)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if _, _, err := Split(b, 10); !errors.Is(err, ErrUnsupported) {
		t.Errorf("block bound: err = %v", err)
	}
	// Extra bytes after the entropy-coded data of a scan cannot be
	// rebuilt: Split must say so rather than lose them.
	i := bytes.LastIndex(b, []byte{0xFF, 0xD9})
	odd := append(append(append([]byte{}, b[:i]...), 0x00), b[i:]...)
	if _, _, err := Split(odd, 1<<20); err == nil {
		t.Error("a stray byte before EOI was accepted")
	}
	// Bytes after EOI are kept.
	tail := append(append([]byte{}, b...), "trailer"...)
	img, side, err := Split(tail, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Rebuild(nil, img, side)
	if err != nil || !bytes.Equal(out, tail) {
		t.Error("trailer lost")
	}
}

func TestNonOnesPadding(t *testing.T) {
	b := fixtures(t)["q85-rst1.jpg"]
	// Clear the pad bits of the first interval: find the first RST0 and
	// zero the last byte's low bits, then check Split keeps them.
	img, _, err := Split(b, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	_ = img
	i := bytes.Index(b, []byte{0xFF, 0xD0})
	if i < 0 {
		t.Fatal("no RST0")
	}
	c := append([]byte{}, b...)
	// The byte before RST0 ends the interval; try each low-bit clearing
	// until one splits with explicit pad bits.
	for k := uint(1); k < 8; k++ {
		c[i-1] = b[i-1] &^ (1<<k - 1)
		if c[i-1] == 0xFF || c[i-1] == b[i-1] {
			continue
		}
		if _, side, err := Split(c, 1<<20); err == nil {
			if bytes.Equal(side[len(side)-2:], []byte{0, 0}) {
				t.Fatal("pad bits not recorded")
			}
			return
		}
	}
	t.Skip("no interval end with pad bits to alter")
}

// TestCheck: Check accepts what Split accepts and refuses the fixtures
// Split refuses as unsupported, truncated files and damaged scans.
func TestCheck(t *testing.T) {
	for name, b := range fixtures(t) {
		_, _, serr := Split(b, 1<<20)
		cerr := Check(b, 1<<20)
		if (serr == nil) != (cerr == nil) {
			t.Errorf("%s: Split %v, Check %v", name, serr, cerr)
		}
		if cerr := Check(b[:len(b)*3/4], 1<<20); cerr == nil {
			t.Errorf("%s: truncated file passes Check", name)
		}
	}
}

// TestRebuildMax: coefficients that would make a file far larger than
// the bound fail early instead of allocating it.
func TestRebuildMax(t *testing.T) {
	b := fixtures(t)["q75-420.jpg"]
	img, side, err := Split(b, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := RebuildMax(nil, img, side, len(b)); err != nil || !bytes.Equal(out, b) {
		t.Fatalf("exact bound: %v", err)
	}
	if _, err := RebuildMax(nil, img, side, len(b)-1); err == nil {
		t.Error("one byte over the bound accepted")
	}
	for i := range img.Comps {
		for j := range img.Comps[i].Coef {
			img.Comps[i].Coef[j] = 1000 // every coefficient at category 10
		}
	}
	if _, err := RebuildMax(nil, img, side, 2*len(b)); err == nil {
		t.Error("a file of maximal coefficients fits twice the original")
	}
}
