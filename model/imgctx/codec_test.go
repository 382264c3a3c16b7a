package imgctx

import (
	"bytes"
	"math/rand"
	"testing"
)

func synth(kind string, w, h, ch int, seed int64) []byte {
	rng := rand.New(rand.NewSource(seed))
	out := make([]byte, w*h*ch)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for c := 0; c < ch; c++ {
				var v int
				switch kind {
				case "flat":
					v = 77 + c
				case "noise":
					v = rng.Intn(256)
				case "grad":
					v = (x*3 + y*2 + c*40) & 255
				case "smooth":
					v = 128 + (x*y)/(w+1) + c*5 + rng.Intn(5) - 2
				case "extreme":
					if (x+y+c)%2 == 0 {
						v = 255
					}
				}
				if v < 0 {
					v = 0
				}
				if v > 255 {
					v = 255
				}
				out[(y*w+x)*ch+c] = byte(v)
			}
		}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	sizes := [][2]int{{1, 1}, {1, 7}, {7, 1}, {2, 2}, {5, 3}, {17, 9}, {33, 20}}
	kinds := []string{"flat", "noise", "grad", "smooth", "extreme"}
	for _, ch := range []int{1, 2, 3, 4} {
		for _, sz := range sizes {
			for ki, k := range kinds {
				src := synth(k, sz[0], sz[1], ch, int64(ki))
				for _, cfg := range []Config{DefaultConfig, {Single: PredMED + 1, LSEvery: 3, NoShape: true, NoBias: true}, {NoLS: true}} {
					enc, err := EncodeStripeConfig(nil, src, sz[0], sz[1], ch, cfg)
					if err != nil {
						t.Fatal(err)
					}
					dec, err := DecodeStripeConfig(enc, sz[0], sz[1], ch, cfg)
					if err != nil {
						t.Fatalf("%s %v ch%d: %v", k, sz, ch, err)
					}
					if !bytes.Equal(dec, src) {
						t.Fatalf("%s %v ch%d: mismatch", k, sz, ch)
					}
				}
			}
		}
	}
}

func TestCompresses(t *testing.T) {
	w, h := 64, 48
	for _, k := range []string{"flat", "grad", "smooth", "noise"} {
		src := synth(k, w, h, 3, 1)
		enc := EncodeStripe(src, w, h, 3)
		bps := float64(len(enc)*8) / float64(len(src))
		t.Logf("%s: %.3f bpsp", k, bps)
		if k != "noise" && bps > 4 {
			t.Errorf("%s: %.3f bpsp", k, bps)
		}
		if k == "noise" && bps > 8.6 {
			t.Errorf("noise: %.3f bpsp", bps)
		}
	}
}

func TestDeterministic(t *testing.T) {
	src := synth("smooth", 40, 30, 3, 5)
	a := EncodeStripe(src, 40, 30, 3)
	for i := 0; i < 3; i++ {
		if b := EncodeStripe(src, 40, 30, 3); !bytes.Equal(a, b) {
			t.Fatal("nondeterministic output")
		}
	}
}

func TestBadInput(t *testing.T) {
	if EncodeStripe(make([]byte, 5), 2, 2, 1) != nil {
		t.Error("wrong length accepted")
	}
	if _, err := DecodeStripeConfig(nil, 0, 1, 1, DefaultConfig); err == nil {
		t.Error("zero width accepted")
	}
	src := synth("smooth", 20, 10, 3, 2)
	enc := EncodeStripe(src, 20, 10, 3)
	for cut := 0; cut < len(enc); cut += 7 {
		if _, err := DecodeStripeConfig(enc[:cut], 20, 10, 3, DefaultConfig); err == nil {
			t.Errorf("truncated stream (%d of %d) accepted", cut, len(enc))
		}
	}
}

func TestLog2Q8(t *testing.T) {
	cases := map[uint32]int32{1: 0, 2: 256, 4: 512, 1024: 2560, 3: 406, 10: 850}
	for x, want := range cases {
		if got := Log2Q8(x); got != want {
			t.Errorf("Log2Q8(%d) = %d, want %d", x, got, want)
		}
	}
}
