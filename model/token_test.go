package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestVocabLayouts(t *testing.T) {
	for _, mode := range []VocabMode{VocabUnified, VocabUnmasked, VocabShared} {
		v, err := NewVocab(mode, 256)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int32]Modality{}
		for _, m := range []Modality{Image, Text} {
			st := v.StartToken(m)
			if st < 0 || int(st) >= v.NIn {
				t.Fatalf("%v: start token %d out of range", mode, st)
			}
			for s := int32(0); s < int32(v.SymbolCount(m)); s++ {
				id := v.InputID(m, s)
				if id < 0 || int(id) >= v.NIn || id == v.ImageStart || id == v.TextStart {
					t.Fatalf("%v: %v symbol %d → bad id %d", mode, m, s, id)
				}
				if prev, ok := seen[id]; ok && prev != m && mode != VocabShared {
					t.Fatalf("%v: id %d used by both modalities", mode, id)
				}
				seen[id] = m
				ti := v.TargetIndex(m, s)
				if ti < 0 || int(ti) >= v.OutCount[m] || v.OutBase[m]+int(ti) >= v.NOut {
					t.Fatalf("%v: %v symbol %d → bad target %d", mode, m, s, ti)
				}
			}
		}
	}
	u, _ := NewVocab(VocabUnified, 256)
	if u.OutCount[Image] != 256 || u.OutCount[Text] != 256 || u.OutBase[Text] != 256 || u.NIn != 514 {
		t.Fatalf("unified layout %+v", u)
	}
	if _, err := NewVocab(VocabShared, 1024); err == nil {
		t.Fatal("shared vocabulary accepted a BPE-sized text vocabulary")
	}
	// BPE seam: a larger text vocabulary only moves the text range
	b, _ := NewVocab(VocabUnified, 4096)
	if b.OutCount[Text] != 4096 || b.ImageStart != 256+4096 {
		t.Fatalf("bpe layout %+v", b)
	}
	s := Sequence{Mod: Text, Syms: ByteTokenizer{}.Encode(nil, []byte("hi!"))}
	in, tg := u.Inputs(nil, s), u.Targets(nil, s)
	if in[0] != u.TextStart || in[1] != 256+'h' || tg[2] != '!' || len(in) != 3 {
		t.Fatalf("inputs %v targets %v", in, tg)
	}
	if string(ByteTokenizer{}.Decode(nil, s.Syms)) != "hi!" {
		t.Fatal("byte tokenizer round trip")
	}
}

// TestModalityIsolation: an image sequence gives no gradient to the text
// time-mix set, the text expert or the text head rows (switching, MoE and
// logit masking are hard).
func TestModalityIsolation(t *testing.T) {
	m, _ := New(DefaultConfig(16, 2))
	randomize(m, rand.New(rand.NewPCG(1, 2)))
	g := m.NewGrads()
	ws := m.NewWorkspace(&GoMatMul{})
	seq := testSeqs(rand.New(rand.NewPCG(3, 4)), m.Vocab, 10)[0] // image
	m.Forward(ws, seq)
	m.Backward(ws, g, 1)
	m.FoldGrads(&GoMatMul{}, g)
	zero := func(name string, s []float32) {
		for _, v := range s {
			if v != 0 {
				t.Fatalf("%s has a gradient from an image sequence", name)
			}
		}
	}
	nonzero := func(name string, s []float32) {
		for _, v := range s {
			if v != 0 {
				return
			}
		}
		t.Fatalf("%s has no gradient", name)
	}
	for l := range g.G.Blocks {
		b := &g.G.Blocks[l]
		zero("text set W0", b.Sets[Text].W0)
		zero("text set R.A", b.Sets[Text].R.A)
		zero("text expert", b.Experts[Text].W1)
		nonzero("image set W0", b.Sets[Image].W0)
		nonzero("image expert", b.Experts[Image].W1)
	}
	zero("text head rows", g.G.Head[256*16:])
	nonzero("image head rows", g.G.Head[:256*16])
}

// TestStepperMatchesForward: token-by-token recurrent inference gives the
// same probabilities as the whole-sequence training forward.
func TestStepperMatchesForward(t *testing.T) {
	m, _ := New(DefaultConfig(32, 2))
	randomize(m, rand.New(rand.NewPCG(5, 6)))
	ws := m.NewWorkspace(&GoMatMul{})
	st := m.NewStepper()
	probs := make([]float32, m.Vocab.NOut)
	for _, seq := range testSeqs(rand.New(rand.NewPCG(7, 8)), m.Vocab, 12) {
		want := m.Forward(ws, seq)
		st.Reset(seq.Mod)
		in := m.Vocab.Inputs(nil, seq)
		tg := m.Vocab.Targets(nil, seq)
		var got float64
		for i, id := range in {
			n := st.Step(id, probs)
			p := probs[tg[i]]
			if n != m.Vocab.OutCount[seq.Mod] || p <= 0 {
				t.Fatalf("bad step output n=%d p=%g", n, p)
			}
			got -= math.Log(float64(p))
		}
		if math.Abs(got-want) > 1e-3*math.Max(1, want) {
			t.Errorf("%v: stepper loss %.6f, forward loss %.6f", seq.Mod, got, want)
		}
	}
}
