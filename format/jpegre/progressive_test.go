package jpegre

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"testing"
)

// TestProgressiveCoefficients: libjpeg codes the same quantised
// coefficients progressively and sequentially, so the pairs of fixtures
// made from the same pixels with the same settings must split into the
// same images.
func TestProgressiveCoefficients(t *testing.T) {
	fx := fixtures(t)
	for _, pr := range [][2]string{
		{"q85-rst1.jpg", "prog-q85.jpg"},    // cjpeg -q 85 (-restart 1)
		{"q95-444-opt.jpg", "prog-444.jpg"}, // cjpeg -q 95 -sample 1x1 (-optimize)
		{"magick.jpg", "prog-magick.jpg"},   // convert -quality 88 (-interlace JPEG)
	} {
		a, _, err := Split(fx[pr[0]], 1<<20)
		if err != nil {
			t.Fatal(pr[0], err)
		}
		b, _, err := Split(fx[pr[1]], 1<<20)
		if err != nil {
			t.Fatal(pr[1], err)
		}
		if len(a.Comps) != len(b.Comps) {
			t.Fatalf("%s, %s: %d and %d components", pr[0], pr[1], len(a.Comps), len(b.Comps))
		}
		for i := range a.Comps {
			if a.Comps[i].Quant != b.Comps[i].Quant || !slices.Equal(a.Comps[i].Coef, b.Comps[i].Coef) {
				t.Errorf("%s, %s: component %d differs", pr[0], pr[1], i)
			}
		}
	}
}

// scanHeaders walks a skeleton and returns its frame and scan headers.
func scanHeaders(t *testing.T, skel []byte) (*frameHdr, []*scanHdr) {
	t.Helper()
	p := &parser{b: skel, maxBlock: 1 << 20}
	var hdrs []*scanHdr
	if _, err := p.walk(func(pos int, sc *scanHdr) (int, error) {
		hdrs = append(hdrs, sc)
		return pos, nil
	}); err != nil {
		t.Fatal(err)
	}
	return p.frame, hdrs
}

// TestDeviations makes files whose EOB runs depart from libjpeg's rule,
// one block at a time: each must split back into the same coefficients
// with the departure recorded. Rebuild refuses a departure after a block
// where no run can end, or one that needs an EOB run symbol the file's
// (optimised) table lacks.
func TestDeviations(t *testing.T) {
	fx := fixtures(t)
	for _, name := range []string{"prog-q85.jpg", "prog-q80-rst.jpg", "prog-scans.jpg", "prog-corrbits.jpg"} {
		b := fx[name]
		img, side, err := Split(b, 1<<20)
		if err != nil {
			t.Fatal(name, err)
		}
		sd, err := parseSide(side)
		if err != nil {
			t.Fatal(name, err)
		}
		f, hdrs := scanHeaders(t, sd.skel)
		changed, refused := 0, 0
		for i, sc := range hdrs {
			if sc.ss == 0 {
				continue
			}
			for m := range newScanLayout(f, sc).mcus {
				sd.scans[i].dev = []int{m}
				out, err := Rebuild(nil, img, appendSide(nil, sd.skel, sd.scans, true))
				sd.scans[i].dev = nil
				if err != nil {
					if !errors.Is(err, ErrFormat) {
						t.Fatalf("%s scan %d block %d: %v", name, i, m, err)
					}
					refused++
					continue
				}
				img2, side2, err := Split(out, 1<<20)
				if err != nil {
					t.Fatalf("%s scan %d block %d: the departing file does not split: %v", name, i, m, err)
				}
				for c := range img.Comps {
					if !slices.Equal(img.Comps[c].Coef, img2.Comps[c].Coef) {
						t.Fatalf("%s scan %d block %d: coefficients differ", name, i, m)
					}
				}
				sd2, _ := parseSide(side2)
				if bytes.Equal(out, b) { // the departure named a run end the next block forced anyway
					if !bytes.Equal(side2, side) {
						t.Fatalf("%s scan %d block %d: side data differs for the same file", name, i, m)
					}
					continue
				}
				changed++
				for j := range sd2.scans {
					var want []int
					if j == i {
						want = []int{m}
					}
					if !slices.Equal(sd2.scans[j].dev, want) {
						t.Fatalf("%s scan %d block %d: recorded departures %v in scan %d", name, i, m, sd2.scans[j].dev, j)
					}
				}
			}
		}
		if changed == 0 || refused == 0 {
			t.Errorf("%s: %d departures made a new file, %d refused", name, changed, refused)
		}
		t.Logf("%s: %d departures made a new file, %d refused", name, changed, refused)
	}
}

// TestSideGolden: side data written by earlier versions must rebuild
// their files forever, and Split must keep writing the same bytes.
// q80-422-rst.side1 is version 1 as the first version of this package
// wrote it (sequential); prog-dev.side2 is version 2 for a file with EOB
// run departures.
func TestSideGolden(t *testing.T) {
	for _, g := range [][2]string{{"q80-422-rst.jpg", "q80-422-rst.side1"}, {"prog-dev.jpg", "prog-dev.side2"}} {
		jpg, err := os.ReadFile("testdata/" + g[0])
		if err != nil {
			t.Fatal(err)
		}
		gold, err := os.ReadFile("testdata/" + g[1])
		if err != nil {
			t.Fatal(err)
		}
		img, side, err := Split(jpg, 1<<20)
		if err != nil {
			t.Fatal(g[0], err)
		}
		if !bytes.Equal(side, gold) {
			t.Errorf("%s: Split writes other side data than %s", g[0], g[1])
		}
		lay, err := Layout(gold, 1<<20)
		if err != nil {
			t.Fatal(g[1], err)
		}
		for i := range lay.Comps {
			copy(lay.Comps[i].Coef, img.Comps[i].Coef)
		}
		if out, err := Rebuild(nil, lay, gold); err != nil || !bytes.Equal(out, jpg) {
			t.Errorf("%s: does not rebuild %s (%v)", g[1], g[0], err)
		}
	}
}

// TestProgressionRejects: scans that do not continue the progression,
// or break T.81's scan parameters, are refused, never split wrongly.
func TestProgressionRejects(t *testing.T) {
	b := fixtures(t)["prog-q85.jpg"]
	var sos []int // offsets of the SOS segments' Ah/Al bytes
	for i := 0; i+3 < len(b); i++ {
		if b[i] == 0xFF && b[i+1] == mSOS {
			n := be16(b, i+2)
			sos = append(sos, i+2+n-1)
		}
	}
	if len(sos) < 4 {
		t.Fatalf("%d scans", len(sos))
	}
	for _, tc := range []struct {
		name string
		at   int // index into sos
		off  int // from the Ah/Al byte: -2 Ss, -1 Se, 0 Ah/Al
		v    byte
		want error
	}{
		{"refinement skips a bit", len(sos) - 1, 0, 0x21, ErrUnsupported},
		{"first scan twice", len(sos) - 1, 0, 0x00, ErrUnsupported},
		{"Al not Ah-1", len(sos) - 1, 0, 0x10 | 0x0F, ErrFormat},
		{"AC band past 63", 1, -1, 64, ErrFormat},
		{"DC with AC", 0, -1, 5, ErrFormat},
	} {
		c := append([]byte{}, b...)
		c[sos[tc.at]+tc.off] = tc.v
		if _, _, err := Split(c, 1<<20); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	for _, n := range []int{len(b) / 3, len(b) / 2, len(b) - 3} {
		if _, _, err := Split(b[:n], 1<<20); err == nil {
			t.Errorf("truncated at %d: accepted", n)
		}
	}
}
