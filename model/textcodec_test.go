package model

import (
	"bytes"
	"math"
	"testing"

	"github.com/dcar-archiver/dcar/model/txtctx"
)

// testTextQNet quantises a random (calibrated) text network.
func testTextQNet(t testing.TB, h int, adapt uint, lrHead float64) (*Net, *QNet) {
	n := NewNet(Config{H: h, Rec: true, Text: true, Start: true}, 1)
	randomize(n, 2, 0.05)
	for i := range n.W3 {
		n.W3[i] *= 0.3 // a head of moderate effect, as a trained one
	}
	for i := range n.B3 {
		n.B3[i] *= 0.3
	}
	q, err := QuantizeAdapt(n, textBatch(4096, 128), 128, adapt, lrHead)
	if err != nil {
		t.Fatal(err)
	}
	return n, q
}

// The integer text network tracks the float one: coded size within 1% of
// the float cross-entropy; the stream decodes back.
func TestTextQNetTracksFloat(t *testing.T) {
	n, q := testTextQNet(t, 32, 0, 0)
	// a less predictable text than sampleText: the mixture is unsure and
	// the random head matters
	src := make([]byte, 20000)
	x := uint32(1)
	for i := range src {
		x = x*1664525 + 1013904223
		src[i] = "etaoin shrdlu\n"[(x>>24)%14]
	}
	s := ExtractText(src, len(src))
	st, err := n.Evaluate(s, q.Seq, 4096, false)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := q.EncodeText(nil, src)
	if err != nil {
		t.Fatal(err)
	}
	got := float64(8 * len(enc))
	ref := txtctx.EncodeSegment(src)
	t.Logf("txtctx coded %d B (CE %.0f bits), float net CE %.0f bits, integer net coded %d B", len(ref), st.BaseBits, st.NetBits, len(enc))
	if math.Abs(got-st.NetBits) > 0.01*st.NetBits+64 {
		t.Errorf("integer network %.0f bits, float %.0f", got, st.NetBits)
	}
	if math.Abs(st.NetBits-st.BaseBits) < 0.002*st.BaseBits {
		t.Error("the random head does not change the distribution; the test proves nothing")
	}
	dec, err := q.DecodeText(enc, len(src))
	if err != nil || !bytes.Equal(dec, src) {
		t.Fatalf("round trip: %v", err)
	}
}

// With head adaptation on, encoder and decoder still agree, and the
// bias-adapted network codes this repetitive text better than the static
// one.
func TestTextAdapt(t *testing.T) {
	_, q0 := testTextQNet(t, 32, 0, 0)
	_, qb := testTextQNet(t, 32, 12, 0)
	_, q := testTextQNet(t, 32, 12, 0.001)
	src := sampleText(30000)
	e0, _ := q0.EncodeText(nil, src)
	eb, _ := qb.EncodeText(nil, src)
	t.Logf("static %d B, bias adapted %d B", len(e0), len(eb))
	if len(eb) >= len(e0) {
		t.Errorf("adaptation did not help: %d >= %d", len(eb), len(e0))
	}
	enc, err := q.EncodeText(nil, src)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := q.DecodeText(enc, len(src))
	if err != nil || !bytes.Equal(dec, src) {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := q.DecodeText(enc[:len(enc)/2], len(src)); err == nil {
		t.Error("truncated stream decoded without error")
	}
}

// A unified weight file round-trips, stores the shared tensors once and
// rejects pairs whose shared tensors differ.
func TestDualFile(t *testing.T) {
	d, b := testDual(t, 32)
	qt := d.Txt
	d2, sum, err := DecodeDual(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := d2.Encode()
	if !bytes.Equal(b, b2) || sum == [32]byte{} {
		t.Fatal("unified file does not round-trip")
	}
	src := sampleText(5000)
	e1, _ := qt.EncodeText(nil, src)
	e2, _ := d2.Txt.EncodeText(nil, src)
	if !bytes.Equal(e1, e2) {
		t.Fatal("decoded text network codes differently")
	}
	f, _ := DecodeWeightFile(b)
	if _, ok := f.Tensor("txt.wo"); ok {
		t.Error("shared tensor stored twice")
	}
	qt.Wo[3]++
	if _, err := d.Encode(); err == nil {
		t.Error("differing shared tensors accepted")
	}
	if _, _, err := DecodeDual(b[:len(b)-1]); err == nil {
		t.Error("damaged file accepted")
	}
}

// testDual builds a small unified network (hidden size h, shared expert
// h/2, slightly perturbed so no tensor is trivial) and its weight file.
func testDual(t testing.TB, h int) (*Dual, []byte) {
	u, err := NewUnified(UConfig{H: h, Switch: true, MoE: true, Hs: h / 2, HiRA: 1}, nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range u.U {
		u.U[i] += float32(i%13) * 0.003
	}
	u.Sync()
	s, err := Extract(synthImage(2*h, h, 3), 2*h, h, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	bi := &Batch{}
	for _, c := range Chunks(s, 96) {
		bi.Gather(s, c[0], c[1])
	}
	qi, err := QuantizeAdapt(u.Img, bi, 96, 12, 0.001)
	if err != nil {
		t.Fatal(err)
	}
	qt, err := QuantizeAdapt(u.Txt, textBatch(4096, 128), 128, 12, 0)
	if err != nil {
		t.Fatal(err)
	}
	d := &Dual{Img: qi, Txt: qt, Hs: h / 2}
	b, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return d, b
}

func FuzzDecodeDual(f *testing.F) {
	_, b := testDual(f, 16)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		d, _, err := DecodeDual(b)
		if err != nil {
			return
		}
		// a file that loads must run without panicking
		img := synthImage(5, 3, 1)
		if _, err := d.Img.EncodeStripe(nil, img, 5, 3, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Txt.EncodeText(nil, []byte("fuzz text\n")); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkEncodeText(b *testing.B) {
	_, q := testTextQNet(b, 96, 12, 0.001)
	src := sampleText(1 << 16)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		q.EncodeText(nil, src)
	}
}
