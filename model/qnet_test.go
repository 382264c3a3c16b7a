package model

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"testing"
)

// The integer networks are tested as they ship (weights/*.dcw): rec96
// (image, static head), rec96b-a (image, adaptive head bias and matrix)
// and uni96b-a (unified: image adaptive, text static). The float
// networks they are quantised from, and the agreement of both, are
// tested in model/train.

// testImage is a w×h RGB image: gradients, a checkerboard of edges and
// a little noise.
func testImage(w, h int, seed uint32) []byte {
	p := make([]byte, 0, w*h*3)
	x := seed | 1
	for y := 0; y < h; y++ {
		for i := 0; i < w; i++ {
			for c := 0; c < 3; c++ {
				x ^= x << 13
				x ^= x >> 17
				x ^= x << 5
				v := 40 + (3*i+2*y+50*c)%160 + int(x%5)
				if (i/8+y/8)%2 == 1 {
					v = 255 - v
				}
				p = append(p, byte(v))
			}
		}
	}
	return p
}

// testText is n bytes of English-like lines.
func testText(n int) []byte {
	var b []byte
	for i := 0; len(b) < n; i++ {
		b = fmt.Appendf(b, "Line %d: the network corrects the mixture of %d contexts.\n", i, i%7+2)
	}
	return b[:n]
}

// shippedFile returns the bytes of the shipped weight file name.
func shippedFile(t testing.TB, name string) []byte {
	b, err := weightFS.ReadFile(path.Join("weights", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every shipped network codes an image (and, if unified, a text) and
// decodes it back.
func TestShippedRoundTrip(t *testing.T) {
	all, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 48, 20
	img := testImage(w, h, 7)
	src := testText(6000)
	for _, m := range all {
		enc, err := m.Net.EncodeStripe(nil, img, w, h, 3)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := m.Net.DecodeStripe(enc, w, h, 3)
		if err != nil || !bytes.Equal(dec, img) {
			t.Fatalf("%s: image round trip failed: %v", m.Name, err)
		}
		msg := fmt.Sprintf("%s: image %.3f bpsp", m.Name, 8*float64(len(enc))/float64(len(img)))
		if _, err := m.Net.EncodeText(nil, src); !errors.Is(err, ErrNotText) {
			t.Errorf("%s: image network coded text: %v", m.Name, err)
		}
		if m.Text != nil {
			enc, err := m.Text.EncodeText(nil, src)
			if err != nil {
				t.Fatal(err)
			}
			dec, err := m.Text.DecodeText(enc, len(src))
			if err != nil || !bytes.Equal(dec, src) {
				t.Fatalf("%s: text round trip failed: %v", m.Name, err)
			}
			if _, err := m.Text.DecodeText(enc[:len(enc)/2], len(src)); err == nil {
				t.Errorf("%s: truncated text stream decoded without error", m.Name)
			}
			msg += fmt.Sprintf(", text %.3f bpb", 8*float64(len(enc))/float64(len(src)))
		}
		t.Log(msg)
	}
}

// Writing a decoded network gives back the shipped file byte for byte
// (so its fingerprint): the reader and the writer of both architectures
// agree, adaptation settings included, and the unified file stores its
// shared tensors once.
func TestShippedFilesReencode(t *testing.T) {
	for _, name := range []string{"rec96.dcw", "rec96b-a.dcw", "uni96b-a.dcw"} {
		b := shippedFile(t, name)
		f, err := DecodeWeightFile(b)
		if err != nil {
			t.Fatal(err)
		}
		var again []byte
		if f.Meta["arch"] == dualArch {
			d, err := dualFrom(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := f.Tensor("txt.wo"); ok {
				t.Errorf("%s: shared tensor stored twice", name)
			}
			again, err = d.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := qnetFrom(f); !errors.Is(err, ErrBadWeights) {
				t.Errorf("%s: read as an image-only network: %v", name, err)
			}
		} else {
			q, err := qnetFrom(f)
			if err != nil {
				t.Fatal(err)
			}
			if name == "rec96b-a.dcw" && (q.AdaptShift == 0 || len(q.SA3) != NOut) {
				t.Errorf("%s: adaptation shift %d, %d head scales", name, q.AdaptShift, len(q.SA3))
			}
			again, err = q.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := dualFrom(f); !errors.Is(err, ErrBadWeights) {
				t.Errorf("%s: read as a unified network: %v", name, err)
			}
		}
		if !bytes.Equal(again, b) {
			t.Errorf("%s: re-encoded file differs", name)
		}
	}
}

// The unified file refuses a pair whose shared tensors differ.
func TestDualSharedTensors(t *testing.T) {
	f, err := DecodeWeightFile(shippedFile(t, DefaultWeights))
	if err != nil {
		t.Fatal(err)
	}
	for _, change := range []func(d *Dual){
		func(d *Dual) { d.Txt.Wo[3]++ },
		func(d *Dual) { d.Txt.W2[d.Hs*d.Txt.H-1]++ },
	} {
		d, err := dualFrom(f) // fresh tensors: f's data is not changed
		if err != nil {
			t.Fatal(err)
		}
		change(d)
		if _, err := d.Encode(); err == nil {
			t.Error("differing shared tensors accepted")
		}
	}
}

// A network file that loads, however damaged, must run without
// panicking.
func FuzzDecodeNetwork(f *testing.F) {
	for _, name := range []string{"rec96.dcw", "rec96b-a.dcw", "uni96b-a.dcw"} {
		f.Add(shippedFile(f, name))
	}
	img := testImage(5, 3, 1)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode("fuzz", b)
		if err != nil {
			return
		}
		if _, err := m.Net.EncodeStripe(nil, img, 5, 3, 3); err != nil {
			t.Fatal(err)
		}
		if m.Text != nil {
			if _, err := m.Text.EncodeText(nil, []byte("fuzz text\n")); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// BenchmarkQNetEncode codes an image with each shipped image network
// (rec96: static head; rec96b-a: adaptive head; uni96b-a: the unified
// network's image modality).
func BenchmarkQNetEncode(b *testing.B) {
	all, err := Shipped()
	if err != nil {
		b.Fatal(err)
	}
	const w, h = 128, 32
	img := testImage(w, h, 5)
	for _, m := range all {
		b.Run(m.Name, func(b *testing.B) {
			b.SetBytes(int64(len(img)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Net.EncodeStripe(nil, img, w, h, 3); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncodeText codes text with the default network's text
// modality.
func BenchmarkEncodeText(b *testing.B) {
	m, err := DefaultText()
	if err != nil {
		b.Fatal(err)
	}
	src := testText(1 << 16)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Text.EncodeText(nil, src); err != nil {
			b.Fatal(err)
		}
	}
}
