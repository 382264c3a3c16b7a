package bitcm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/dcar-archiver/dcar/coder"
)

// symbolStream codes src (an image of width w) with a SymbolModel whose
// prior is a fixed bump around the pixel above and whose contexts are the
// left and upper values, and decodes it back.
func symbolStream(t *testing.T, src []byte, w int) []byte {
	t.Helper()
	data, _ := symbolStreamWarm(t, src, w, nil)
	return data
}

// symbolStreamWarm is symbolStream with both models started from warm
// (nil: cold); it also returns the encoder's model at the end.
func symbolStreamWarm(t testing.TB, src []byte, w int, warm *SymbolWarm) ([]byte, *SymbolModel) {
	t.Helper()
	inputs := func(i int, out []byte) ([]uint32, *coder.FreqTable, int) {
		var left, up byte
		if i%w > 0 {
			left = out[i-1]
		}
		if i >= w {
			up = out[i-w]
		}
		freqs := make([]uint32, 256)
		for v := range freqs {
			d := int(v) - int(up)
			freqs[v] = uint32(1 + 4000/(1+d*d))
		}
		var ft coder.FreqTable
		var sum uint32
		for _, f := range freqs {
			sum += f
		}
		freqs[up] += 1<<16 - sum
		if err := ft.SetFreqs(freqs, 16); err != nil {
			t.Fatal(err)
		}
		return []uint32{HashContext(1, uint32(left)), HashContext(2, uint32(left), uint32(up))}, &ft, i % 4
	}
	m, d := NewSymbolModel(len(src), 2, DefaultSymbolConfig), NewSymbolModel(len(src), 2, DefaultSymbolConfig)
	if warm != nil {
		if err := m.WarmUp(warm); err != nil {
			t.Fatal(err)
		}
		if err := d.WarmUp(warm); err != nil {
			t.Fatal(err)
		}
	}
	var enc coder.Encoder
	enc.Reset(nil)
	for i, v := range src {
		ctx, ft, sel := inputs(i, src)
		m.EncodeSymbol(&enc, v, ctx, ft, sel)
	}
	data, err := enc.Finish()
	if err != nil {
		t.Fatal(err)
	}
	var dec coder.Decoder
	if err := dec.Init(data); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(src))
	for i := range out {
		ctx, ft, sel := inputs(i, out)
		out[i] = d.DecodeSymbol(&dec, ctx, ft, sel)
	}
	if err := dec.Finish(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, src) {
		t.Fatal("symbol round trip differs")
	}
	return data, m
}

// TestSymbolGolden pins the SymbolModel's coded bits (the pixel CM
// stage's engine): a change here is a new pixel model, with a new
// fingerprint. It also checks that the model learns: the stream is far
// smaller than the prior alone would code it.
func TestSymbolGolden(t *testing.T) {
	img := gradientImage(97, 61)
	out := symbolStream(t, img, 97)
	s := sha256.Sum256(out)
	if got, want := hex.EncodeToString(s[:]), "ae12adfdac0916d6843bfdb9900f90eeecf3c89cb4857b13274d1ec5066b5eaa"; got != want {
		t.Errorf("symbol stream: %d bytes, sha256 %s, want %s", len(out), got, want)
	}
	if len(out) > len(img)/2 {
		t.Errorf("%d bytes for %d symbols: the model does not learn", len(out), len(img))
	}
}
