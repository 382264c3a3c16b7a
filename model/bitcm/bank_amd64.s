//go:build !purego

#include "textflag.h"

// The mixer bank's kernels (see bank_amd64.go). n is a positive
// multiple of 8.

// func bankDotAVX2(x, w0, w1, w2, w3 *int32, n int, out *[4]int64)
// Four lanes at a time: x and each weight are sign-extended to int64
// and multiplied exactly (VPMULDQ), the sums kept per mixer in int64
// lanes and added across lanes at the end (wrapping, as in Go).
TEXT ·bankDotAVX2(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ w0+8(FP), R8
	MOVQ w1+16(FP), R9
	MOVQ w2+24(FP), R10
	MOVQ w3+32(FP), R11
	MOVQ n+40(FP), CX
	MOVQ out+48(FP), DI
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	XORQ AX, AX

dotloop:
	VPMOVSXDQ (SI)(AX*4), Y4
	VPMOVSXDQ (R8)(AX*4), Y5
	VPMOVSXDQ (R9)(AX*4), Y6
	VPMOVSXDQ (R10)(AX*4), Y7
	VPMOVSXDQ (R11)(AX*4), Y8
	VPMULDQ   Y4, Y5, Y5
	VPMULDQ   Y4, Y6, Y6
	VPMULDQ   Y4, Y7, Y7
	VPMULDQ   Y4, Y8, Y8
	VPADDQ    Y5, Y0, Y0
	VPADDQ    Y6, Y1, Y1
	VPADDQ    Y7, Y2, Y2
	VPADDQ    Y8, Y3, Y3
	ADDQ      $4, AX
	CMPQ      AX, CX
	JLT       dotloop

	// Y0..Y3 → their lane sums, out[0..3].
	VEXTRACTI128 $1, Y0, X4
	VPADDQ       X4, X0, X0
	VEXTRACTI128 $1, Y1, X5
	VPADDQ       X5, X1, X1
	VEXTRACTI128 $1, Y2, X6
	VPADDQ       X6, X2, X2
	VEXTRACTI128 $1, Y3, X7
	VPADDQ       X7, X3, X3
	VPUNPCKLQDQ  X1, X0, X4  // [s0.lo s1.lo]
	VPUNPCKHQDQ  X1, X0, X5  // [s0.hi s1.hi]
	VPADDQ       X5, X4, X4
	VPUNPCKLQDQ  X3, X2, X6
	VPUNPCKHQDQ  X3, X2, X7
	VPADDQ       X7, X6, X6
	VMOVDQU      X4, (DI)
	VMOVDQU      X6, 16(DI)
	VZEROUPPER
	RET

// STEP updates the 8 weights at (w)(AX*4) for the inputs in Y4 and the
// broadcast error e, with T as scratch: w = clamp(w + (x·e + 2^13)
// >>arith 14, Y9 = -maxWeight, Y15 = maxWeight).
#define STEP(e, w, T) \
	VPMULLD e, Y4, T;          \
	VPADDD  Y14, T, T;         \
	VPSRAD  $14, T, T;         \
	VPADDD  (w)(AX*4), T, T;   \
	VPMINSD Y15, T, T;         \
	VPMAXSD Y9, T, T;          \
	VMOVDQU T, (w)(AX*4)

// STEPCONSTS sets STEP's constants: Y14 = 2^13, Y15 = maxWeight, Y9 =
// -maxWeight. VEX moves only: a legacy SSE MOVQ here, with the upper
// halves of the Y registers dirty, cost an SSE/AVX transition on every
// call (the kernel ran 4 times slower than the Go loop).
#define STEPCONSTS \
	MOVL         $0x2000, AX; \
	VMOVD        AX, X14;     \
	VPBROADCASTD X14, Y14;    \
	MOVL         $0x4000000, AX; \
	VMOVD        AX, X15;     \
	VPBROADCASTD X15, Y15;    \
	VPXOR        Y9, Y9, Y9;  \
	VPSUBD       Y15, Y9, Y9

// func bankTrainAVX2(x, w0, w1, w2, w3 *int32, n int, e *[4]int32)
// Eight lanes at a time, per mixer j: w = clamp(w + (x·e[j] + 2^13)
// >>arith 14, ±2^26), every operation in wrapping int32 as in step.
TEXT ·bankTrainAVX2(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ w0+8(FP), R8
	MOVQ w1+16(FP), R9
	MOVQ w2+24(FP), R10
	MOVQ w3+32(FP), R11
	MOVQ n+40(FP), CX
	MOVQ e+48(FP), DI
	VPBROADCASTD (DI), Y10
	VPBROADCASTD 4(DI), Y11
	VPBROADCASTD 8(DI), Y12
	VPBROADCASTD 12(DI), Y13
	STEPCONSTS
	XORQ         AX, AX

trainloop:
	VMOVDQU (SI)(AX*4), Y4
	STEP(Y10, R8, Y5)
	STEP(Y11, R9, Y6)
	STEP(Y12, R10, Y7)
	STEP(Y13, R11, Y8)
	ADDQ $8, AX
	CMPQ AX, CX
	JLT  trainloop
	VZEROUPPER
	RET

// func mixDotAVX2(x, w *int32, n int) int64
// One mixer's dot product (mixDotGo), four lanes at a time as
// bankDotAVX2.
TEXT ·mixDotAVX2(SB), NOSPLIT, $0-32
	MOVQ  x+0(FP), SI
	MOVQ  w+8(FP), R8
	MOVQ  n+16(FP), CX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	XORQ  AX, AX

mdotloop:
	VPMOVSXDQ (SI)(AX*4), Y4
	VPMOVSXDQ (R8)(AX*4), Y5
	VPMOVSXDQ 16(SI)(AX*4), Y6
	VPMOVSXDQ 16(R8)(AX*4), Y7
	VPMULDQ   Y4, Y5, Y5
	VPMULDQ   Y6, Y7, Y7
	VPADDQ    Y5, Y0, Y0
	VPADDQ    Y7, Y1, Y1
	ADDQ      $8, AX
	CMPQ      AX, CX
	JLT       mdotloop

	VPADDQ       Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X4
	VPADDQ       X4, X0, X0
	VPSHUFD      $0x4e, X0, X5 // swap the two quadwords
	VPADDQ       X5, X0, X0
	VMOVQ        X0, AX
	MOVQ         AX, ret+24(FP)
	VZEROUPPER
	RET

// func mixTrainAVX2(x, w *int32, n int, e int32)
// One mixer's step (mixTrainGo): eight lanes at a time, as
// bankTrainAVX2's STEP.
TEXT ·mixTrainAVX2(SB), NOSPLIT, $0-28
	MOVQ         x+0(FP), SI
	MOVQ         w+8(FP), R8
	MOVQ         n+16(FP), CX
	MOVL         e+24(FP), AX
	VMOVD        AX, X10
	VPBROADCASTD X10, Y10
	STEPCONSTS
	XORQ         AX, AX

mtrainloop:
	VMOVDQU (SI)(AX*4), Y4
	STEP(Y10, R8, Y5)
	ADDQ $8, AX
	CMPQ AX, CX
	JLT  mtrainloop
	VZEROUPPER
	RET
