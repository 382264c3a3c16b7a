package model

import (
	"crypto/sha256"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func tinyTrainedModel(t testing.TB) *Model {
	m, err := New(DefaultConfig(16, 2))
	if err != nil {
		t.Fatal(err)
	}
	randomize(m, rand.New(rand.NewPCG(21, 22)))
	return m
}

// TestExportMergesHiRA: the exported (merged) model computes the same
// losses as the trained model, and the file round-trips.
func TestExportMergesHiRA(t *testing.T) {
	m := tinyTrainedModel(t)
	f, err := m.Export(map[string]string{"note": "test"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "w.dcw")
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	inf, rf, err := LoadWeights(path)
	if err != nil {
		t.Fatal(err)
	}
	if rf.Fingerprint != f.Fingerprint || rf.Meta["note"] != "test" {
		t.Fatal("fingerprint or metadata changed in round trip")
	}
	if inf.Cfg.HiRA != 0 {
		t.Fatalf("exported model has HiRA=%d", inf.Cfg.HiRA)
	}
	seqs := testSeqs(rand.New(rand.NewPCG(1, 1)), m.Vocab, 20)
	ws1, ws2 := m.NewWorkspace(&GoMatMul{}), inf.NewWorkspace(&GoMatMul{})
	for _, s := range seqs {
		a, b := m.Forward(ws1, s), inf.Forward(ws2, s)
		if d := a - b; d > 1e-3 || d < -1e-3 {
			t.Errorf("%v: trained loss %g, exported loss %g", s.Mod, a, b)
		}
	}
}

func TestWeightFileDamage(t *testing.T) {
	m := tinyTrainedModel(t)
	f, _ := m.Export(nil)
	b, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeWeightFile(b); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 3))
	for i := 0; i < 200; i++ {
		c := append([]byte(nil), b...)
		switch i % 3 {
		case 0:
			c[rng.IntN(len(c))] ^= byte(1 + rng.IntN(255))
		case 1:
			c = c[:rng.IntN(len(c))]
		case 2:
			c = append(c, byte(rng.IntN(256)))
		}
		if _, err := DecodeWeightFile(c); err == nil || !errors.Is(err, ErrBadWeights) {
			t.Fatalf("damaged file (case %d) accepted or wrong error: %v", i%3, err)
		}
	}
	// wrong kind
	ck := &WeightFile{Kind: KindCheckpoint, Meta: f.Meta, Tensors: f.Tensors}
	cb, _ := ck.Encode()
	cf, err := DecodeWeightFile(cb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ModelFromWeights(cf); err == nil {
		t.Fatal("checkpoint accepted as inference weights")
	}
	// config / tensor mismatch
	bad := &WeightFile{Kind: KindWeights, Meta: f.Meta, Tensors: f.Tensors[1:]}
	bb, _ := bad.Encode()
	bf, _ := DecodeWeightFile(bb)
	if _, err := ModelFromWeights(bf); err == nil {
		t.Fatal("missing tensor accepted")
	}
	t.Logf("error example: %v", func() error { _, err := DecodeWeightFile(b[:len(b)-1]); return err }())
}

func FuzzDecodeWeightFile(f *testing.F) {
	m, _ := New(DefaultConfig(16, 1))
	m.Init(1)
	wf, _ := m.Export(nil)
	b, _ := wf.Encode()
	f.Add(b)
	small := &WeightFile{Meta: map[string]string{"a": "b"}, Tensors: []FileTensor{F32Tensor("x", []int{2}, []float32{1, 2})}}
	sb, _ := small.Encode()
	f.Add(sb)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 32 {
			// also exercise the parser behind the checksum: fix the trailer
			body := data[:len(data)-32]
			sum := sha256.Sum256(body)
			data = append(body[:len(body):len(body)], sum[:]...)
		}
		wf, err := DecodeWeightFile(data)
		if err != nil {
			return
		}
		if m, err := ModelFromWeights(wf); err == nil && m.NumParams()*4 > len(data) {
			t.Fatalf("model with %d params from %d bytes", m.NumParams(), len(data))
		}
		// re-encoding a valid file reproduces it
		again, err := wf.Encode()
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if string(again) != string(data) {
			// metadata order is canonical, so only non-canonical inputs differ
			if _, err := DecodeWeightFile(again); err != nil {
				t.Fatalf("re-encoded file invalid: %v", err)
			}
		}
	})
}

func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x")
	if err := WriteFileAtomic(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	ents, _ := os.ReadDir(dir)
	if string(b) != "two" || len(ents) != 1 {
		t.Fatalf("got %q with %d entries", b, len(ents))
	}
}

func TestFakeQuantInt8(t *testing.T) {
	m := tinyTrainedModel(t)
	cfg := m.Cfg
	cfg.HiRA = 0
	inf, _ := New(cfg)
	randomize(inf, rand.New(rand.NewPCG(1, 2)))
	ws := inf.NewWorkspace(&GoMatMul{})
	seq := testSeqs(rand.New(rand.NewPCG(3, 3)), inf.Vocab, 16)[1]
	before := inf.Forward(ws, seq)
	if n := FakeQuantInt8(inf, true); n == 0 {
		t.Fatal("nothing quantised")
	}
	after := inf.Forward(ws, seq)
	if math.Abs(after-before) > 0.05*before {
		t.Fatalf("int8 rounding moved the loss from %g to %g", before, after)
	}
	for _, v := range inf.P.Blocks[0].Wo[:16] {
		q := v / (maxAbs(inf.P.Blocks[0].Wo[:16]) / 127)
		if math.Abs(float64(q)-math.Round(float64(q))) > 1e-3 {
			t.Fatalf("value %g not on the int8 grid", v)
		}
	}
}

func maxAbs(s []float32) float32 {
	var m float32
	for _, v := range s {
		m = max(m, float32(math.Abs(float64(v))))
	}
	return m
}
