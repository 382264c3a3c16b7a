package model

import (
	"math/rand/v2"
	"testing"
)

func benchTrainSeq(b *testing.B, d int) {
	cfg := DefaultConfig(d, 2)
	m, _ := New(cfg)
	rng := rand.New(rand.NewPCG(1, 1))
	randomize(m, rng)
	seqs := testSeqs(rng, m.Vocab, 768)
	ws := m.NewWorkspace(&GoMatMul{})
	g := m.NewGrads()
	b.ResetTimer()
	for i := range b.N {
		m.Forward(ws, seqs[i%2])
		m.Backward(ws, g, 1)
	}
	b.ReportMetric(float64(768*b.N)/b.Elapsed().Seconds(), "tok/s")
}

func BenchmarkTrainSeqD64(b *testing.B) { benchTrainSeq(b, 64) }
func BenchmarkTrainSeqD96(b *testing.B) { benchTrainSeq(b, 96) }
