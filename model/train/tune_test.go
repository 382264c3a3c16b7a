package train

import (
	"slices"
	"testing"
)

// A tuner's network after four steps is the same whether the run went
// through at once or was stopped after two, saved and resumed in a new
// tuner; the steps lower the training loss of a small network.
func TestTunerResume(t *testing.T) {
	s, err := Extract(synthImage(64, 24, 3), 64, 24, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := TuneConfig{Steps: 4, Batch: 4, Seq: 32, LR: 3e-3, WD: 0.01, Warmup: 1, Seed: 9}
	a, err := NewTuner(NewNet(Config{H: 16, Rec: true}, 1), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var first, last float64
	for i := range 4 {
		bits := a.Step()
		if i == 0 {
			first = bits
		}
		last = bits
	}
	b, err := NewTuner(NewNet(Config{H: 16, Rec: true}, 1), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.Step()
	b.Step()
	state, err := b.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewTuner(NewNet(Config{H: 16, Rec: true}, 1), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	c.Step()
	c.Step()
	if c.Done != 4 || !slices.Equal(a.Net.P, c.Net.P) {
		t.Fatal("a resumed run differs from one that went through")
	}
	if last >= first {
		t.Errorf("training loss %.3f -> %.3f bits", first, last)
	}
	if err := c.UnmarshalBinary(state[:len(state)-4]); err == nil {
		t.Error("a truncated state was accepted")
	}
	if _, err := NewTuner(NewNet(Config{H: 16, Rec: true}, 1), s, TuneConfig{Steps: 1, Batch: 3, Seq: 32}); err == nil {
		t.Error("an odd batch was accepted")
	}
}
