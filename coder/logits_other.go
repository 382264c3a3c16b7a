//go:build !amd64 || purego

package coder

// Without assembly the SetLogits kernels are the reference Go code.

// logitImpls lists the implementations usable on this machine, best
// first; logitImpl is the one in use.
var (
	logitImpls = []int{implGo}
	logitImpl  = implGo
)

func maxArgmax(logits []int32) (int32, int) { return maxArgmaxGo(logits) }

func expWeights(w []uint32, logits []int32, m int32) uint64 {
	return expWeightsGo(w, logits, m)
}

func roundShares(w []uint32, recip uint64) uint32 { return roundSharesGo(w, recip, 0) }

func floorShares(w []uint32, recip uint64) uint32 { return floorSharesGo(w, recip, 0) }

func addAll(w []uint32, delta uint32) { addAllGo(w, delta) }
