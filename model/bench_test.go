package model

import (
	"math/rand/v2"
	"testing"
)

func benchTrainSeq(b *testing.B, d int, mm MatMul) {
	cfg := DefaultConfig(d, 2)
	m, _ := New(cfg)
	rng := rand.New(rand.NewPCG(1, 1))
	randomize(m, rng)
	seqs := testSeqs(rng, m.Vocab, 768)
	ws := m.NewWorkspace(mm)
	g := m.NewGrads()
	b.ResetTimer()
	for i := range b.N {
		m.Forward(ws, seqs[i%2])
		m.Backward(ws, g, 1)
	}
	b.ReportMetric(float64(768*b.N)/b.Elapsed().Seconds(), "tok/s")
}

func BenchmarkTrainSeqD64(b *testing.B)        { benchTrainSeq(b, 64, &GoMatMul{}) }
func BenchmarkTrainSeqD96(b *testing.B)        { benchTrainSeq(b, 96, &GoMatMul{}) }
func BenchmarkTrainSeqD96Kernel(b *testing.B)  { benchTrainSeq(b, 96, KernelMatMul{}) }
func BenchmarkTrainSeqD192Kernel(b *testing.B) { benchTrainSeq(b, 192, KernelMatMul{}) }
