//go:build !purego

#include "textflag.h"

// SetLogits kernels for AVX-512 (16 lanes, AVX-512F) and AVX2 (8 lanes).
// Each computes exactly the integers of its Go reference in logits.go on
// a slice whose length is a positive multiple of the vector length:
//
//   maxIndex:   VPMAXSD, then the first lane equal to the maximum.
//   expWeights: d = m - l in uint32 (exact, as m >= l); lanes with
//               d < expCutoff (unsigned compare) gather expTab[d & 255]
//               and shift it right by d >> 8 (at most 19), the others
//               stay 0. That is expWeight[min(d, expCutoff)]. The uint64
//               sum is kept as the 64-bit lane sums A of the weight
//               pairs and B of the upper weights: A - B<<32 + B, modulo
//               2^64, is the sum of all weights.
//   shares:     64-bit products x*recip with VPMULUDQ (even and odd
//               lanes), + half, >> shift, blended back into 32-bit
//               lanes, max with 1, then a running uint32 sum:
//               an in-register prefix sum plus the carry from the
//               previous vector, both wrapping like Go's uint32.
//   add:        w[i] += delta, wrapping.

// ---- AVX-512 ----

// func maxIndexAVX512(l []int32) (m int32, i int)
TEXT ·maxIndexAVX512(SB), NOSPLIT, $0-40
	MOVQ l_base+0(FP), SI
	MOVQ l_len+8(FP), CX
	VMOVDQU32 (SI), Z0
	VMOVDQA32 Z0, Z1
	MOVQ $16, AX

	// Two independent maxima over pairs of vectors.
max512pairs:
	LEAQ 16(AX), DX
	CMPQ DX, CX
	JAE  max512one
	VPMAXSD (SI)(AX*4), Z0, Z0
	VPMAXSD 64(SI)(AX*4), Z1, Z1
	ADDQ $32, AX
	JMP  max512pairs

max512one:
	CMPQ AX, CX
	JAE  max512reduce
	VPMAXSD (SI)(AX*4), Z0, Z0

max512reduce:
	VPMAXSD       Z1, Z0, Z0
	VEXTRACTI64X4 $1, Z0, Y1
	VPMAXSD       Y1, Y0, Y0
	VEXTRACTI128  $1, Y0, X1
	VPMAXSD       X1, X0, X0
	VPSHUFD       $0x4e, X0, X1
	VPMAXSD       X1, X0, X0
	VPSHUFD       $0xb1, X0, X1
	VPMAXSD       X1, X0, X0
	VPBROADCASTD  X0, Z2

	// The first vector holding the maximum, and its first lane.
	XORQ AX, AX

max512scan:
	VPCMPEQD (SI)(AX*4), Z2, K1
	KMOVW    K1, DX
	TESTL    DX, DX
	JNZ      max512found
	ADDQ     $16, AX
	JMP      max512scan

max512found:
	BSFL DX, DX
	ADDQ DX, AX
	MOVQ AX, i+32(FP)
	VMOVD X0, DX
	MOVL DX, m+24(FP)
	VZEROUPPER
	RET

// func expWeightsAVX512(w []uint32, l []int32, m int32) uint64
TEXT ·expWeightsAVX512(SB), NOSPLIT, $0-64
	MOVQ w_base+0(FP), DI
	MOVQ w_len+8(FP), CX
	MOVQ l_base+24(FP), SI
	MOVL m+48(FP), AX
	VPBROADCASTD AX, Z20
	LEAQ ·expTab(SB), R8
	MOVL $(20<<8), AX
	VPBROADCASTD AX, Z21 // expCutoff
	MOVL $255, AX
	VPBROADCASTD AX, Z22
	VPXORQ Z16, Z16, Z16 // A
	VPXORQ Z17, Z17, Z17 // B
	VPXORQ Z18, Z18, Z18 // A, second vector
	VPXORQ Z19, Z19, Z19 // B, second vector
	XORQ AX, AX

	// Two vectors per iteration while possible.
exp512pairs:
	LEAQ 16(AX), DX
	CMPQ DX, CX
	JAE  exp512one
	VPSUBD   (SI)(AX*4), Z20, Z1   // d = m - l
	VPSUBD   64(SI)(AX*4), Z20, Z9
	VPCMPUD  $1, Z21, Z1, K1       // d < expCutoff
	VPCMPUD  $1, Z21, Z9, K2
	VPANDD   Z22, Z1, Z2           // d & 255
	VPANDD   Z22, Z9, Z10
	VPSRLD   $8, Z1, Z3            // d >> 8
	VPSRLD   $8, Z9, Z11
	VPXORD   Z4, Z4, Z4
	VPXORD   Z12, Z12, Z12
	VPGATHERDD (R8)(Z2*4), K1, Z4
	VPGATHERDD (R8)(Z10*4), K2, Z12
	VPSRLVD  Z3, Z4, Z4
	VPSRLVD  Z11, Z12, Z12
	VMOVDQU32 Z4, (DI)(AX*4)
	VMOVDQU32 Z12, 64(DI)(AX*4)
	VPADDQ   Z4, Z16, Z16
	VPADDQ   Z12, Z18, Z18
	VPSRLQ   $32, Z4, Z5
	VPSRLQ   $32, Z12, Z13
	VPADDQ   Z5, Z17, Z17
	VPADDQ   Z13, Z19, Z19
	ADDQ $32, AX
	JMP  exp512pairs

exp512one:
	CMPQ AX, CX
	JAE  exp512sum
	VPSUBD   (SI)(AX*4), Z20, Z1
	VPCMPUD  $1, Z21, Z1, K1
	VPANDD   Z22, Z1, Z2
	VPSRLD   $8, Z1, Z3
	VPXORD   Z4, Z4, Z4
	VPGATHERDD (R8)(Z2*4), K1, Z4
	VPSRLVD  Z3, Z4, Z4
	VMOVDQU32 Z4, (DI)(AX*4)
	VPADDQ   Z4, Z16, Z16
	VPSRLQ   $32, Z4, Z5
	VPADDQ   Z5, Z17, Z17

exp512sum:
	VPADDQ Z18, Z16, Z0
	VPADDQ Z19, Z17, Z1
	VPSLLQ $32, Z1, Z2
	VPSUBQ Z2, Z0, Z0
	VPADDQ Z1, Z0, Z0 // per lane: A - B<<32 + B
	VEXTRACTI64X4 $1, Z0, Y1
	VPADDQ        Y1, Y0, Y0
	VEXTRACTI128  $1, Y0, X1
	VPADDQ        X1, X0, X0
	VPSHUFD       $0x4e, X0, X1
	VPADDQ        X1, X0, X0
	VMOVQ         X0, AX
	MOVQ AX, ret+56(FP)
	VZEROUPPER
	RET

// SHARES512 turns the 16 weights in Z0 into their shares, in Z0.
// Z20 recip, Z21 half, X22 shift, X23 shift-32, Z26 ones,
// K2 odd lanes; clobbers Z1, Z2. The even lanes' results end up in the
// low halves of Z1 (the quotients are below 2^32), the odd lanes' in the
// high halves of Z2, shifted by 32 less.
#define SHARES512 \
	VPSRLQ    $32, Z0, Z2;       \
	VPMULUDQ  Z20, Z0, Z1;       \
	VPMULUDQ  Z20, Z2, Z2;       \
	VPADDQ    Z21, Z1, Z1;       \
	VPADDQ    Z21, Z2, Z2;       \
	VPSRLQ    X22, Z1, Z1;       \
	VPSRLQ    X23, Z2, Z2;       \
	VPBLENDMD Z2, Z1, K2, Z0;    \
	VPMAXUD   Z26, Z0, Z0

// PREFIX512 replaces Z0 by its running sum plus the carry Z25, and sets
// Z25 to the last lane. Z28 is zero; clobbers Z3. VALIGND $k of (Z0:Z28)
// moves lane i to lane i+16-k and fills the lanes below with zeros.
#define PREFIX512 \
	VALIGND $15, Z28, Z0, Z3; \
	VPADDD  Z3, Z0, Z0;       \
	VALIGND $14, Z28, Z0, Z3; \
	VPADDD  Z3, Z0, Z0;       \
	VALIGND $12, Z28, Z0, Z3; \
	VPADDD  Z3, Z0, Z0;       \
	VALIGND $8, Z28, Z0, Z3;  \
	VPADDD  Z3, Z0, Z0;       \
	VPADDD  Z25, Z0, Z0;      \
	VPERMD  Z0, Z27, Z25

// func sharesAVX512(w []uint32, recip, half, shift uint64) uint32
TEXT ·sharesAVX512(SB), NOSPLIT, $0-52
	MOVQ w_base+0(FP), DI
	MOVQ w_len+8(FP), CX
	VPBROADCASTQ recip+24(FP), Z20
	VPBROADCASTQ half+32(FP), Z21
	MOVQ shift+40(FP), AX
	VMOVQ AX, X22
	SUBQ $32, AX
	VMOVQ AX, X23
	VPXORD Z25, Z25, Z25 // carry
	MOVL $1, AX
	VPBROADCASTD AX, Z26
	MOVL $15, AX
	VPBROADCASTD AX, Z27
	MOVL $0xaaaa, AX
	KMOVW AX, K2
	VPXORD Z28, Z28, Z28
	XORQ AX, AX

shares512loop:
	VMOVDQU32 (DI)(AX*4), Z0
	SHARES512
	PREFIX512
	VMOVDQU32 Z0, (DI)(AX*4)
	ADDQ $16, AX
	CMPQ AX, CX
	JB   shares512loop

	VMOVD X25, AX
	MOVL AX, ret+48(FP)
	VZEROUPPER
	RET

// func addAVX512(w []uint32, delta uint32)
// Any length: a masked vector does the last len%16 elements.
TEXT ·addAVX512(SB), NOSPLIT, $0-28
	MOVQ w_base+0(FP), DI
	MOVQ w_len+8(FP), CX
	MOVL delta+24(FP), AX
	VPBROADCASTD AX, Z1
	XORQ AX, AX
	MOVQ CX, DX
	ANDQ $-16, DX
	JZ   add512tail

add512loop:
	VPADDD (DI)(AX*4), Z1, Z0
	VMOVDQU32 Z0, (DI)(AX*4)
	ADDQ $16, AX
	CMPQ AX, DX
	JB   add512loop

add512tail:
	SUBQ DX, CX
	JZ   add512done
	MOVL $1, DX
	SHLL CX, DX
	DECL DX
	KMOVW DX, K1
	VMOVDQU32.Z (DI)(AX*4), K1, Z0
	VPADDD      Z1, Z0, Z0
	VMOVDQU32   Z0, K1, (DI)(AX*4)

add512done:
	VZEROUPPER
	RET

// ---- AVX2 ----

// func maxIndexAVX2(l []int32) (m int32, i int)
TEXT ·maxIndexAVX2(SB), NOSPLIT, $0-40
	MOVQ l_base+0(FP), SI
	MOVQ l_len+8(FP), CX
	VMOVDQU (SI), Y0
	VMOVDQA Y0, Y1
	MOVQ $8, AX

max2pairs:
	LEAQ 8(AX), DX
	CMPQ DX, CX
	JAE  max2one
	VPMAXSD (SI)(AX*4), Y0, Y0
	VPMAXSD 32(SI)(AX*4), Y1, Y1
	ADDQ $16, AX
	JMP  max2pairs

max2one:
	CMPQ AX, CX
	JAE  max2reduce
	VPMAXSD (SI)(AX*4), Y0, Y0

max2reduce:
	VPMAXSD      Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPMAXSD      X1, X0, X0
	VPSHUFD      $0x4e, X0, X1
	VPMAXSD      X1, X0, X0
	VPSHUFD      $0xb1, X0, X1
	VPMAXSD      X1, X0, X0
	VPBROADCASTD X0, Y2
	XORQ AX, AX

max2scan:
	VPCMPEQD  (SI)(AX*4), Y2, Y3
	VMOVMSKPS Y3, DX
	TESTL     DX, DX
	JNZ       max2found
	ADDQ      $8, AX
	JMP       max2scan

max2found:
	BSFL DX, DX
	ADDQ DX, AX
	MOVQ AX, i+32(FP)
	VMOVD X0, DX
	MOVL DX, m+24(FP)
	VZEROUPPER
	RET

// func expWeightsAVX2(w []uint32, l []int32, m int32) uint64
TEXT ·expWeightsAVX2(SB), NOSPLIT, $0-64
	MOVQ w_base+0(FP), DI
	MOVQ w_len+8(FP), CX
	MOVQ l_base+24(FP), SI
	MOVL m+48(FP), AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8
	LEAQ ·expTab(SB), R8
	MOVL $(20<<8-1), AX
	VMOVD AX, X9
	VPBROADCASTD X9, Y9 // expCutoff-1
	MOVL $255, AX
	VMOVD AX, X10
	VPBROADCASTD X10, Y10
	VPXOR Y12, Y12, Y12 // A
	VPXOR Y13, Y13, Y13 // B
	XORQ AX, AX

exp2loop:
	VPSUBD   (SI)(AX*4), Y8, Y1 // d = m - l
	VPMINUD  Y9, Y1, Y5
	VPCMPEQD Y5, Y1, Y5         // all ones where d < expCutoff
	VPAND    Y10, Y1, Y2        // d & 255
	VPSRLD   $8, Y1, Y3         // d >> 8
	VPXOR    Y4, Y4, Y4
	VPGATHERDD Y5, (R8)(Y2*4), Y4
	VPSRLVD  Y3, Y4, Y4
	VMOVDQU  Y4, (DI)(AX*4)
	VPADDQ   Y4, Y12, Y12
	VPSRLQ   $32, Y4, Y6
	VPADDQ   Y6, Y13, Y13
	ADDQ $8, AX
	CMPQ AX, CX
	JB   exp2loop

	VPSLLQ       $32, Y13, Y2
	VPSUBQ       Y2, Y12, Y0
	VPADDQ       Y13, Y0, Y0 // per lane: A - B<<32 + B
	VEXTRACTI128 $1, Y0, X1
	VPADDQ       X1, X0, X0
	VPSHUFD      $0x4e, X0, X1
	VPADDQ       X1, X0, X0
	VMOVQ        X0, AX
	MOVQ AX, ret+56(FP)
	VZEROUPPER
	RET

// func sharesAVX2(w []uint32, recip, half, shift uint64) uint32
TEXT ·sharesAVX2(SB), NOSPLIT, $0-52
	MOVQ w_base+0(FP), DI
	MOVQ w_len+8(FP), CX
	VPBROADCASTQ recip+24(FP), Y8
	VPBROADCASTQ half+32(FP), Y9
	MOVQ shift+40(FP), AX
	VMOVQ AX, X10
	SUBQ $32, AX
	VMOVQ AX, X11
	VPXOR Y13, Y13, Y13 // carry
	MOVL $1, AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14
	MOVL $7, AX
	VMOVD AX, X15
	VPBROADCASTD X15, Y15
	XORQ AX, AX

shares2loop:
	VMOVDQU  (DI)(AX*4), Y0
	VPSRLQ   $32, Y0, Y2
	VPMULUDQ Y8, Y0, Y1
	VPMULUDQ Y8, Y2, Y2
	VPADDQ   Y9, Y1, Y1
	VPADDQ   Y9, Y2, Y2
	VPSRLQ   X10, Y1, Y1 // even lanes: result in the low half
	VPSRLQ   X11, Y2, Y2 // odd lanes: result in the high half
	VPBLENDD $0xaa, Y2, Y1, Y0
	VPMAXUD  Y14, Y0, Y0

	// Running sum: within each 128-bit half, then the low half's
	// total into the high half, then the carry.
	VPSLLDQ    $4, Y0, Y3
	VPADDD     Y3, Y0, Y0
	VPSLLDQ    $8, Y0, Y3
	VPADDD     Y3, Y0, Y0
	VPSHUFD    $0xff, Y0, Y3
	VPERM2I128 $0x08, Y3, Y3, Y3
	VPADDD     Y3, Y0, Y0
	VPADDD     Y13, Y0, Y0
	VPERMD     Y0, Y15, Y13
	VMOVDQU    Y0, (DI)(AX*4)
	ADDQ $8, AX
	CMPQ AX, CX
	JB   shares2loop

	VMOVD X13, AX
	MOVL AX, ret+48(FP)
	VZEROUPPER
	RET

// func addAVX2(w []uint32, delta uint32)
TEXT ·addAVX2(SB), NOSPLIT, $0-28
	MOVQ w_base+0(FP), DI
	MOVQ w_len+8(FP), CX
	MOVL delta+24(FP), AX
	VMOVD AX, X1
	VPBROADCASTD X1, Y1
	XORQ AX, AX

add2loop:
	VPADDD  (DI)(AX*4), Y1, Y0
	VMOVDQU Y0, (DI)(AX*4)
	ADDQ $8, AX
	CMPQ AX, CX
	JB   add2loop
	VZEROUPPER
	RET
