package train

import (
	"bytes"
	"math"
	"testing"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// imageCalib is a calibration batch of synthetic image sequences.
func imageCalib(t testing.TB, w, h, seq int) *Batch {
	s, err := Extract(synthImage(w, h, 3), w, h, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &Batch{}
	for _, c := range Chunks(s, seq) {
		b.Gather(s, c[0], c[1])
	}
	return b
}

// testQNet quantises a random (but calibrated) network of hidden size h.
func testQNet(t testing.TB, h int, rec bool) (*Net, *model.QNet) {
	n := NewNet(Config{H: h, Rec: rec}, 1)
	randomize(n, 2, 0.05)
	q, err := Quantize(n, imageCalib(t, 64, 32, 96), 96, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n, q
}

// The integer network must track the float one it was quantised from:
// its coded size stays within 1% of the float network's cross-entropy.
func TestQNetTracksFloat(t *testing.T) {
	for _, rec := range []bool{false, true} {
		n, q := testQNet(t, 32, rec)
		const w, h = 48, 24
		img := synthImage(w, h, 9)
		s, err := Extract(img, w, h, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, err := n.Evaluate(s, q.Seq, 1024, false)
		if err != nil {
			t.Fatal(err)
		}
		enc, err := q.EncodeStripe(nil, img, w, h, 3)
		if err != nil {
			t.Fatal(err)
		}
		got := float64(8 * len(enc))
		t.Logf("rec=%v: imgctx CE %.4f, float net CE %.4f, integer net coded %.4f bpsp",
			rec, st.BaseBits/float64(s.N), st.NetBits/float64(s.N), got/float64(s.N))
		if math.Abs(got-st.NetBits) > 0.01*st.NetBits+64 {
			t.Errorf("rec=%v: integer network %.0f bits, float %.0f", rec, got, st.NetBits)
		}
		if math.Abs(st.NetBits-st.BaseBits) < 0.001*st.BaseBits {
			t.Errorf("rec=%v: the random head does not change the distribution; the test proves nothing", rec)
		}
		dec, err := q.DecodeStripe(enc, w, h, 3)
		if err != nil || !bytes.Equal(dec, img) {
			t.Fatalf("rec=%v: round trip failed: %v", rec, err)
		}
	}
}

// Online adaptation (head bias and matrix) as Quantize sets it up:
// it changes the coding, and both directions adapt identically.
func TestQNetAdaptRoundTrip(t *testing.T) {
	n, q0 := testQNet(t, 32, true)
	q, err := Quantize(n, imageCalib(t, 64, 32, 96), 96, 12, 3e-4)
	if err != nil {
		t.Fatal(err)
	}
	if q.AdaptShift != 12 || len(q.SA3) != model.NOut {
		t.Fatalf("adaptation: shift %d, %d head scales", q.AdaptShift, len(q.SA3))
	}
	const w, h = 48, 24
	img := synthImage(w, h, 9)
	plain, _ := q0.EncodeStripe(nil, img, w, h, 3)
	enc, err := q.EncodeStripe(nil, img, w, h, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("static head %d bytes, adapted %d bytes", len(plain), len(enc))
	if bytes.Equal(plain, enc) {
		t.Error("adaptation changed nothing")
	}
	dec, err := q.DecodeStripe(enc, w, h, 3)
	if err != nil || !bytes.Equal(dec, img) {
		t.Fatalf("round trip failed: %v", err)
	}
}

// testTextQNet quantises a random (calibrated) text network.
func testTextQNet(t testing.TB, h int, adapt uint, lrHead float64) (*Net, *model.QNet) {
	n := NewNet(Config{H: h, Rec: true, Text: true, Start: true}, 1)
	randomize(n, 2, 0.05)
	for i := range n.W3 {
		n.W3[i] *= 0.3 // a head of moderate effect, as a trained one
	}
	for i := range n.B3 {
		n.B3[i] *= 0.3
	}
	q, err := Quantize(n, textBatch(4096, 128), 128, adapt, lrHead)
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

// The two modalities of a unified network, quantised separately, hold
// the tensors they share bit for bit, so the unified weight file (which
// stores them once) accepts the pair; a pair that differs there is
// refused.
func TestExportDual(t *testing.T) {
	const h = 32
	u, err := NewUnified(UConfig{H: h, Switch: true, MoE: true, Hs: h / 2, HiRA: 1}, nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range u.U {
		u.U[i] += float32(i%13) * 0.003 // no tensor trivial
	}
	u.Sync()
	qi, err := Quantize(u.Img, imageCalib(t, 2*h, h, 96), 96, 12, 0.001)
	if err != nil {
		t.Fatal(err)
	}
	qt, err := Quantize(u.Txt, textBatch(4096, 128), 128, 12, 0)
	if err != nil {
		t.Fatal(err)
	}
	d := &model.Dual{Img: qi, Txt: qt, Hs: h / 2}
	b, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	f, err := model.DecodeWeightFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Tensor("txt.wo"); ok {
		t.Error("shared tensor stored twice")
	}
	qt.Wo[3]++
	if _, err := d.Encode(); err == nil {
		t.Error("differing shared tensors accepted")
	}
}
