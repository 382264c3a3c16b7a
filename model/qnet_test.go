package model

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

// testQNet quantises a random (but calibrated) network of hidden size h.
func testQNet(t testing.TB, h int, rec bool) (*Net, *QNet) {
	n := NewNet(Config{H: h, Rec: rec}, 1)
	randomize(n, 2, 0.05)
	s, err := Extract(synthImage(64, 32, 3), 64, 32, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &Batch{}
	for _, c := range Chunks(s, 96) {
		b.Gather(s, c[0], c[1])
	}
	q, err := Quantize(n, b, 96)
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

func TestQNetFileRoundTrip(t *testing.T) {
	_, q := testQNet(t, 32, true)
	b, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	q2, fp, err := DecodeQNet(b)
	if err != nil {
		t.Fatal(err)
	}
	if [32]byte(b[len(b)-32:]) != fp {
		t.Error("fingerprint is not the file's SHA-256 trailer")
	}
	img := synthImage(40, 12, 4)
	e1, _ := q.EncodeStripe(nil, img, 40, 12, 3)
	e2, _ := q2.EncodeStripe(nil, img, 40, 12, 3)
	if !bytes.Equal(e1, e2) {
		t.Error("a reloaded network codes differently")
	}
	// damage anywhere is detected (checksum), and a wrong arch is named
	for _, i := range []int{10, len(b) / 2, len(b) - 1} {
		d := bytes.Clone(b)
		d[i] ^= 1
		if _, _, err := DecodeQNet(d); !errors.Is(err, ErrBadWeights) {
			t.Errorf("flipped byte %d: err %v", i, err)
		}
	}
}

func FuzzDecodeQNet(f *testing.F) {
	_, q := testQNet(f, 16, true)
	b, _ := q.Encode()
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		q, _, err := DecodeQNet(b)
		if err != nil {
			return
		}
		// a file that loads must run without panicking
		img := synthImage(5, 3, 1)
		if _, err := q.EncodeStripe(nil, img, 5, 3, 3); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkQNetEncode(b *testing.B) {
	n, q := testQNet(b, 96, true)
	s, _ := Extract(synthImage(64, 32, 3), 64, 32, 3, nil)
	cb := &Batch{}
	for _, c := range Chunks(s, 96) {
		cb.Gather(s, c[0], c[1])
	}
	qa, err := QuantizeAdapt(n, cb, 96, 12, 1e-3)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("static", func(b *testing.B) { benchEncode(b, q) })
	b.Run("adaptive", func(b *testing.B) { benchEncode(b, qa) })
}

func benchEncode(b *testing.B, q *QNet) {
	const w, h = 128, 32
	img := synthImage(w, h, 5)
	b.SetBytes(int64(len(img)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := q.EncodeStripe(nil, img, w, h, 3); err != nil {
			b.Fatal(err)
		}
	}
}

// Online adaptation (head bias and matrix) is part of the codec: both
// directions adapt identically, and the weight file carries it.
func TestQNetAdaptRoundTrip(t *testing.T) {
	n, q0 := testQNet(t, 32, true)
	s, _ := Extract(synthImage(64, 32, 3), 64, 32, 3, nil)
	b := &Batch{}
	for _, c := range Chunks(s, 96) {
		b.Gather(s, c[0], c[1])
	}
	q, err := QuantizeAdapt(n, b, 96, 12, 3e-4)
	if err != nil {
		t.Fatal(err)
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
	fb, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	q2, _, err := DecodeQNet(fb)
	if err != nil {
		t.Fatal(err)
	}
	if q2.AdaptShift != 12 || len(q2.SA3) != NOut {
		t.Fatalf("reloaded adaptation: shift %d, %d head scales", q2.AdaptShift, len(q2.SA3))
	}
	if e2, _ := q2.EncodeStripe(nil, img, w, h, 3); !bytes.Equal(e2, enc) {
		t.Error("a reloaded adaptive network codes differently")
	}
}
