//go:build !purego

package coder

import "golang.org/x/sys/cpu"

// The SetLogits kernels in AVX2 (8 lanes) and AVX-512 (16 lanes)
// assembly, logits_amd64.s. Each wrapper below hands the longest prefix
// of whole vectors to the assembly and finishes the rest with the
// reference Go kernel, so any length works. The assembly computes
// exactly the integers of the Go code: the same table lookups and
// shifts, 64-bit products, and uint32 running sums that wrap the same
// way; see the comments in logits_amd64.s and the differential tests in
// logits_simd_test.go.

// logitImpls lists the implementations usable on this machine, best
// first; logitImpl is the one in use (tests switch it).
var (
	logitImpls = archLogitImpls()
	logitImpl  = logitImpls[0]
)

func archLogitImpls() []int {
	var l []int
	// x/sys/cpu reports AVX2 and AVX-512 only if the OS saves the
	// YMM/ZMM state. The AVX-512 kernels use AVX-512F instructions
	// only, plus AVX2 for the final reductions.
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX2 {
		l = append(l, implAVX512)
	}
	if cpu.X86.HasAVX2 {
		l = append(l, implAVX2)
	}
	return append(l, implGo)
}

// vecLen returns the length of the prefix of n elements that the
// assembly of the current implementation handles.
func vecLen(n int) int {
	switch logitImpl {
	case implAVX512:
		return n &^ 15
	case implAVX2:
		return n &^ 7
	}
	return 0
}

func maxArgmax(logits []int32) (int32, int) {
	k := vecLen(len(logits))
	if k == 0 {
		return maxArgmaxGo(logits)
	}
	var m int32
	var argmax int
	if logitImpl == implAVX512 {
		m, argmax = maxIndexAVX512(logits[:k])
	} else {
		m, argmax = maxIndexAVX2(logits[:k])
	}
	// The tail can only hold the first maximum if it is strictly larger.
	for i := k; i < len(logits); i++ {
		if l := logits[i]; l > m {
			m, argmax = l, i
		}
	}
	return m, argmax
}

func expWeights(w []uint32, logits []int32, m int32) uint64 {
	logits = logits[:len(w)]
	k := vecLen(len(w))
	var sum uint64
	if k > 0 {
		if logitImpl == implAVX512 {
			sum = expWeightsAVX512(w[:k], logits[:k], m)
		} else {
			sum = expWeightsAVX2(w[:k], logits[:k], m)
		}
	}
	return sum + expWeightsGo(w[k:], logits[k:], m)
}

func roundShares(w []uint32, recip uint64) uint32 {
	k := vecLen(len(w))
	var acc uint32
	if k > 0 {
		acc = shares(w[:k], recip, 1<<(recipShift-1), 0)
	}
	return roundSharesGo(w[k:], recip, acc)
}

func floorShares(w []uint32, recip uint64) uint32 {
	k := vecLen(len(w))
	var acc uint32
	if k > 0 {
		acc = shares(w[:k], recip, 0, 1)
	}
	return floorSharesGo(w[k:], recip, acc)
}

// shares replaces each x in w by the running sum of max(1, plus +
// floor((x*recip + half) / 2^recipShift)), which is roundSharesGo for
// half = 2^46, plus = 0 and floorSharesGo for half = 0, plus = 1, and
// returns the sum. len(w) must be a multiple of the vector length and
// every x at most 2^31, as expWeights makes them.
//
// The assembly computes max(1, floor((x*r + h) / 2^s)) with 32-bit r, a
// 64-bit product and 64-bit h. Two exact rewritings map the arguments
// onto it:
//
//   - plus is folded into the dividend: floor((p + half) / 2^s) + plus
//     = floor((p + half + plus*2^s) / 2^s), and p + half + 2^47 < 2^64
//     because p = x*recip <= 2^31 * 2^32.
//   - recip can be 2^32 (a single symbol within 20 bits of the maximum,
//     with a total of 2^16), one bit too many. It is then even, as is
//     the dividend's addend, so both and the power of two are halved:
//     floor((x*r + h) / 2^s) = floor((x*(r/2) + h/2) / 2^(s-1)) exactly
//     when r and h are even.
func shares(w []uint32, recip, half uint64, plus uint32) uint32 {
	shift := uint64(recipShift)
	half += uint64(plus) << shift
	for recip>>32 != 0 && recip&1 == 0 && half&1 == 0 {
		recip, half, shift = recip>>1, half>>1, shift-1
	}
	if recip>>32 != 0 {
		// Not reachable (recip <= 2^32), but exact all the same.
		recip <<= recipShift - shift
		if plus == 0 {
			return roundSharesGo(w, recip, 0)
		}
		return floorSharesGo(w, recip, 0)
	}
	if logitImpl == implAVX512 {
		return sharesAVX512(w, recip, half, shift)
	}
	return sharesAVX2(w, recip, half, shift)
}

func addAll(w []uint32, delta uint32) {
	if logitImpl == implAVX512 {
		addAVX512(w, delta) // any length
		return
	}
	k := vecLen(len(w))
	if k > 0 {
		addAVX2(w[:k], delta)
	}
	addAllGo(w[k:], delta)
}

// The assembly kernels take slices whose length is a positive multiple
// of their vector length (16 for AVX-512, 8 for AVX2), except addAVX512.

// maxIndexAVX512 returns the largest element of l and the first index
// that holds it.
//
//go:noescape
func maxIndexAVX512(l []int32) (m int32, i int)

// expWeightsAVX512 is expWeightsGo; len(l) == len(w).
//
//go:noescape
func expWeightsAVX512(w []uint32, l []int32, m int32) uint64

// sharesAVX512 replaces each x in w by the running uint32 sum of
// max(1, (x*recip + half) >> shift) and returns the sum, for recip <
// 2^32, shift in [32, 63] and x*recip + half < 2^64.
//
//go:noescape
func sharesAVX512(w []uint32, recip, half, shift uint64) uint32

// addAVX512 is addAllGo, for any length.
//
//go:noescape
func addAVX512(w []uint32, delta uint32)

//go:noescape
func maxIndexAVX2(l []int32) (m int32, i int)

//go:noescape
func expWeightsAVX2(w []uint32, l []int32, m int32) uint64

//go:noescape
func sharesAVX2(w []uint32, recip, half, shift uint64) uint32

//go:noescape
func addAVX2(w []uint32, delta uint32)
