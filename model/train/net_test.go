package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dcar-archiver/dcar/model"
)

// synthImage is a smooth random image with noise.
func synthImage(w, h int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	p := make([]byte, w*h*3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for c := 0; c < 3; c++ {
				v := 128 + 60*math.Sin(float64(x)*0.07+float64(c))*math.Cos(float64(y)*0.05) + rng.NormFloat64()*4
				p[(y*w+x)*3+c] = byte(max(0, min(255, v)))
			}
		}
	}
	return p
}

func testBatch(t *testing.T, w, h int, seq int) *Batch {
	s, err := Extract(synthImage(w, h, 1), w, h, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &Batch{}
	for i := 0; i+seq <= s.N; i += seq {
		b.Gather(s, i, seq)
	}
	return b
}

func randomize(n *Net, seed uint64, std float64) {
	rng := rand.New(rand.NewPCG(seed, 3))
	for i := range n.P {
		n.P[i] += float32(rng.NormFloat64() * std)
	}
}

// sampleText is a small repetitive text for the text modality's tests.
func sampleText(n int) []byte {
	words := []string{"the ", "model ", "codes ", "text ", "and ", "images ", "with ", "one ", "network.\n"}
	rng := rand.New(rand.NewPCG(9, 9))
	var b []byte
	for len(b) < n {
		b = append(b, words[rng.IntN(len(words))]...)
	}
	return b[:n]
}

func textBatch(n, seq int) *Batch {
	s := ExtractText(sampleText(n), n)
	b := &Batch{}
	for i := 0; i+seq <= s.N; i += seq {
		b.Gather(s, i, seq)
	}
	return b
}

// numGrad is the central difference of loss in p[i] with step eps (p[i]
// is restored).
func numGrad(p []float32, i int, eps float64, loss func() float64) float64 {
	old := p[i]
	p[i] = old + float32(eps)
	lp := loss()
	p[i] = old - float32(eps)
	lm := loss()
	p[i] = old
	return (lp - lm) / (2 * eps)
}

func gradCheck(t *testing.T, cfg Config) {
	b := testBatch(t, 8, 4, 12)
	if cfg.Text {
		b = textBatch(96, 12)
	}
	n := NewNet(cfg, 1)
	randomize(n, 2, 0.3)
	var w Work
	g := make([]float32, len(n.P))
	n.Forward(b, &w, g, false)
	loss := func() float64 { return n.Forward(b, &w, nil, false) / float64(b.R) }
	rng := rand.New(rand.NewPCG(5, 5))
	bad := 0
	checked := 0
	for trial := 0; trial < 300; trial++ {
		i := rng.IntN(len(n.P))
		if g[i] == 0 && trial%3 != 0 {
			continue
		}
		num := numGrad(n.P, i, 2e-3, loss)
		an := float64(g[i])
		checked++
		if math.Abs(num-an) > 2e-3+0.03*math.Abs(an) {
			// retry with a smaller step (ReLU kinks, float32 noise)
			num = numGrad(n.P, i, 5e-4, loss)
		}
		if math.Abs(num-an) > 2e-3+0.03*math.Abs(an) {
			bad++
			if bad < 10 {
				t.Logf("param %d: analytic %.6g numeric %.6g", i, an, num)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d checked", checked)
	}
	// A kink of a ReLU between the two evaluations can spoil one
	// numeric derivative; more than 2% mismatches is a bug.
	if bad*50 > checked {
		t.Errorf("%d of %d gradients mismatch", bad, checked)
	}
	t.Logf("%d of %d gradients mismatch (ReLU kinks)", bad, checked)
}

func TestGradMLP(t *testing.T) { gradCheck(t, Config{H: 16}) }
func TestGradRec(t *testing.T) { gradCheck(t, Config{H: 32, Rec: true}) }
func TestGradRecStart(t *testing.T) {
	gradCheck(t, Config{H: 32, Rec: true, Start: true})
}
func TestGradText(t *testing.T) { gradCheck(t, Config{H: 32, Rec: true, Text: true, Start: true}) }

// Network off (zero head) reproduces imgctx's cross-entropy; a tiny
// overfit run must reduce it substantially.
func TestOverfit(t *testing.T) {
	for _, rec := range []bool{false, true} {
		b := testBatch(t, 16, 6, 48)
		n := NewNet(Config{H: 32, Rec: rec}, 1)
		var w Work
		l0 := n.Forward(b, &w, nil, false) / float64(b.R)
		opt := NewAdamW(n, 3e-3, 0)
		g := make([]float32, len(n.P))
		var l float64
		for it := 0; it < 300; it++ {
			clear(g)
			l = n.Forward(b, &w, g, false) / float64(b.R)
			opt.Step(n, g, 3e-3, 10)
		}
		t.Logf("rec=%v: %.4f -> %.4f bits", rec, l0, l)
		if l > l0-0.3 {
			t.Errorf("rec=%v: no overfit: %.4f -> %.4f", rec, l0, l)
		}
	}
}

func TestExtractDeterministic(t *testing.T) {
	img := synthImage(20, 9, 4)
	a, err := Extract(img, 20, 9, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Extract(img, 20, 9, 3, func(y int) bool { return y%2 == 1 })
	if a.N != 20*9*3 || b.N != 20*4*3 || len(b.Starts) != 4 {
		t.Fatalf("sizes %d %d %d", a.N, b.N, len(b.Starts))
	}
	// rows kept in b equal the same rows in a, bit for bit
	for k, st := range b.Starts {
		y := 2*k + 1
		off := y * 60
		for i := 0; i < 60; i++ {
			for j := 0; j < model.NF; j++ {
				if math.Float32bits(a.Feat[(off+i)*model.NF+j]) != math.Float32bits(b.Feat[(st+i)*model.NF+j]) {
					t.Fatalf("feature mismatch row %d i %d j %d", y, i, j)
				}
			}
			for j := 0; j < 256; j++ {
				if a.Bias[(off+i)*256+j] != b.Bias[(st+i)*256+j] {
					t.Fatal("bias mismatch")
				}
			}
			if a.Tgt[off+i] != b.Tgt[st+i] {
				t.Fatal("target mismatch")
			}
		}
	}
	c, _ := Extract(img, 20, 9, 3, nil)
	for i := range a.Feat {
		if math.Float32bits(a.Feat[i]) != math.Float32bits(c.Feat[i]) {
			t.Fatal("not deterministic")
		}
	}
}

// The stepper agrees with the batched forward pass.
func TestStepper(t *testing.T) {
	for _, rec := range []bool{false, true} {
		b := testBatch(t, 8, 3, 24)
		n := NewNet(Config{H: 32, Rec: rec}, 1)
		randomize(n, 2, 0.2)
		var w Work
		n.Forward(b, &w, nil, true)
		st := n.NewStepper()
		var d [256]float32
		for r := 0; r < b.R; r++ {
			if b.First[r] {
				st.Reset()
			}
			st.Delta(d[:], b.X[r*model.NF:(r+1)*model.NF], b.Aux[r*NAux:(r+1)*NAux])
			for v := range d {
				if math.Abs(float64(d[v]-w.Delta[r*256+v])) > 1e-3*(1+math.Abs(float64(d[v]))) {
					t.Fatalf("rec=%v row %d v %d: %g vs %g", rec, r, v, d[v], w.Delta[r*256+v])
				}
			}
		}
	}
}
