//go:build !purego

#include "textflag.h"

// MatVecS32S16 and RankOneUpdateS32 with AVX-512 (see adapt.go for the
// definitions and adapt_amd64.go for why the arithmetic is exact).

// ---------------------------------------------------------------------------
// MatVecS32S16
//
// Eight rows at a time (the row pointers of a last, partial block are
// clamped to the last row and the store is masked), 16 columns per step.
// VPMULDQ multiplies the signed low dwords of the qword lanes into exact
// int64 products: the "even" operands are plain loads of w[j..j+15] and of
// x[j..j+15] sign-extended to dwords (lane k holds element j+2k in its low
// dword), the "odd" ones the same loads one element further on (element
// j+2k+1). The high dwords are ignored, so in every step but the last of a
// row the odd loads may read element j+16, which is inside the row; the last
// step uses masked loads (K1: the t = cols-jlast remaining columns, K2: the
// t-1 odd ones) so that nothing outside the slices is read. The int64 sums
// are exact, the 8×8 lane sums are reduced into one vector of 8 row sums,
// shifted with VPSRAQ (shift <= 63) and narrowed with VPMOVSQD, whose
// signed saturation is exactly SatInt32.
//
// Registers: SI, R8..R14 row pointers; BX x; CX column index j; DI y;
// Z0..Z7 row sums; Z16/Z17 x even/odd; X31 shift.

// MVROW accumulates one row's products of a full step.
#define MVROW(p, acc, t0, t1) \
	VPMULDQ (p)(CX*4), Z16, t0;  \
	VPMULDQ 4(p)(CX*4), Z17, t1; \
	VPADDQ  t0, acc, acc;        \
	VPADDQ  t1, acc, acc

// MVROWM is MVROW for the last step, with masked loads.
#define MVROWM(p, acc, t0, t1) \
	VMOVDQU32.Z (p)(CX*4), K1, t0;  \
	VMOVDQU32.Z 4(p)(CX*4), K2, t1; \
	VPMULDQ     t0, Z16, t0;        \
	VPMULDQ     t1, Z17, t1;        \
	VPADDQ      t0, acc, acc;       \
	VPADDQ      t1, acc, acc

// MVNEXT sets q to the row after p, clamped to the last row (CX).
#define MVNEXT(p, q) \
	LEAQ    (p)(AX*1), q; \
	CMPQ    q, CX;        \
	CMOVQHI CX, q

// func matVecS32S16AVX512(y *int32, w *int32, x *int16, rows, cols int, shift uint)
TEXT ·matVecS32S16AVX512(SB), NOSPLIT, $32-48
	MOVQ  y+0(FP), DI
	MOVQ  w+8(FP), SI
	MOVQ  x+16(FP), BX
	MOVQ  rows+24(FP), AX
	MOVQ  cols+32(FP), DX
	VMOVQ shift+40(FP), X31
	MOVQ  AX, rem-8(SP)
	LEAQ  (DX*4), R8
	MOVQ  R8, stride-16(SP)
	DECQ  AX
	IMULQ R8, AX
	ADDQ  SI, AX
	MOVQ  AX, last-24(SP)       // &w[(rows-1)*cols]
	LEAQ  -1(DX), AX
	ANDQ  $-16, AX
	MOVQ  AX, jlast-32(SP)      // start of each row's last step
	MOVQ  DX, CX
	SUBQ  AX, CX                // t = 1..16 columns in the last step
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1
	SHRL  $1, AX
	KMOVW AX, K2

mv_block:
	MOVQ stride-16(SP), AX
	MOVQ last-24(SP), CX
	MVNEXT(SI, R8)
	MVNEXT(R8, R9)
	MVNEXT(R9, R10)
	MVNEXT(R10, R11)
	MVNEXT(R11, R12)
	MVNEXT(R12, R13)
	MVNEXT(R13, R14)
	MOVQ rem-8(SP), CX
	MOVL $0xff, AX
	CMPQ CX, $8
	JGE  mv_mask
	MOVL $1, AX
	SHLL CX, AX
	DECL AX

mv_mask:
	KMOVB  AX, K3
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	XORL   CX, CX
	MOVQ   jlast-32(SP), AX
	TESTQ  AX, AX
	JZ     mv_tail

mv_col:
	VPMOVSXWD (BX)(CX*2), Z16
	VPMOVSXWD 2(BX)(CX*2), Z17
	MVROW(SI, Z0, Z18, Z19)
	MVROW(R8, Z1, Z20, Z21)
	MVROW(R9, Z2, Z22, Z23)
	MVROW(R10, Z3, Z24, Z25)
	MVROW(R11, Z4, Z18, Z19)
	MVROW(R12, Z5, Z20, Z21)
	MVROW(R13, Z6, Z22, Z23)
	MVROW(R14, Z7, Z24, Z25)
	ADDQ      $16, CX
	CMPQ      CX, AX
	JLT       mv_col

mv_tail:
	VMOVDQU16.Z (BX)(CX*2), K1, Y16
	VMOVDQU16.Z 2(BX)(CX*2), K2, Y17
	VPMOVSXWD   Y16, Z16
	VPMOVSXWD   Y17, Z17
	MVROWM(SI, Z0, Z18, Z19)
	MVROWM(R8, Z1, Z20, Z21)
	MVROWM(R9, Z2, Z22, Z23)
	MVROWM(R10, Z3, Z24, Z25)
	MVROWM(R11, Z4, Z18, Z19)
	MVROWM(R12, Z5, Z20, Z21)
	MVROWM(R13, Z6, Z22, Z23)
	MVROWM(R14, Z7, Z24, Z25)

	// Reduce: Z8 = (a0, a1) per 128-bit lane, Z10 (a2, a3), Z12 (a4, a5),
	// Z14 (a6, a7); then halves of 512 and 256 bits.
	VPUNPCKLQDQ Z1, Z0, Z8
	VPUNPCKHQDQ Z1, Z0, Z9
	VPUNPCKLQDQ Z3, Z2, Z10
	VPUNPCKHQDQ Z3, Z2, Z11
	VPUNPCKLQDQ Z5, Z4, Z12
	VPUNPCKHQDQ Z5, Z4, Z13
	VPUNPCKLQDQ Z7, Z6, Z14
	VPUNPCKHQDQ Z7, Z6, Z15
	VPADDQ      Z9, Z8, Z8
	VPADDQ      Z11, Z10, Z10
	VPADDQ      Z13, Z12, Z12
	VPADDQ      Z15, Z14, Z14
	VSHUFI64X2  $0x88, Z10, Z8, Z0
	VSHUFI64X2  $0xdd, Z10, Z8, Z1
	VSHUFI64X2  $0x88, Z14, Z12, Z2
	VSHUFI64X2  $0xdd, Z14, Z12, Z3
	VPADDQ      Z1, Z0, Z0
	VPADDQ      Z3, Z2, Z2
	VSHUFI64X2  $0x88, Z2, Z0, Z4
	VSHUFI64X2  $0xdd, Z2, Z0, Z5
	VPADDQ      Z5, Z4, Z4
	VPSRAQ      X31, Z4, Z4
	VPMOVSQD    Z4, K3, (DI)

	ADDQ $32, DI
	MOVQ stride-16(SP), AX
	SHLQ $3, AX
	ADDQ AX, SI
	SUBQ $8, rem-8(SP)
	JGT  mv_block
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// RankOneUpdateS32, one block of n <= 128 columns
//
// g = H·2^16 + L with L = int16(g) and H = (g-L)/2^16 in [-32768, 32768], so
//
//	(g·x + 2^15) >> 16 = H·x + ((L·x + 2^15) >> 16)
//
// exactly (H·x·2^16 is a multiple of 2^16). Both terms are int32 without
// any wrap (|H·x| <= 2^30, |L·x + 2^15| <= 2^30 + 2^15), and so is their
// sum, which is therefore the int32 conversion of the reference's int64.
// The buffer holds x as int16 pairs (x[j], 2) in each dword:
//
//   - VPDPWSSD of (x, 2)·(L, 16384) onto 2^31 gives t = L·x + 2^15 + 2^31,
//     which lies in [2^30, 2^32) (the + 2^31 wraps the int32 lane, which
//     VPDPWSSD does modulo 2^32), so its high word, moved down and
//     zero-extended by VPSHUFB, is ((L·x + 2^15) >> 16) + 2^15.
//   - VPDPWSSD of (x, 2)·(H, -16384) adds H·x - 2^15.
//
// H = 32768 (g >= 2^31 - 2^15) does not fit an int16: those rows add
// x·2^15 = ((x, 2) << 16) >> 1 (arithmetic) instead, with VPSRAD for the
// first term. Rows with g = 0 are skipped.
//
// Registers: SI w row, R8 row stride in bytes, DX g, R9 rows left, DI
// buffer, R11 end of the full 16-column steps, K1 mask of the t = n-R11
// remaining columns, Z29 (H, -16384), Z30 (L, 16384), Z31 (0, 2), Z28
// 2^31, Z27 the VPSHUFB indices.

// RKSTEP updates 16 columns at CX; RKTAIL the masked tail.
#define RKSTEP \
	VMOVDQA32 Z28, Z0;             \
	VPDPWSSD  (DI)(CX*4), Z30, Z0; \
	VPSHUFB   Z27, Z0, Z0;         \
	VPDPWSSD  (DI)(CX*4), Z29, Z0; \
	VMOVDQU32 (SI)(CX*4), Z1;      \
	VPSUBD    Z0, Z1, Z1;          \
	VMOVDQU32 Z1, (SI)(CX*4)

#define RKTAIL \
	VMOVDQA32   Z28, Z0;             \
	VPDPWSSD    (DI)(CX*4), Z30, Z0; \
	VPSHUFB     Z27, Z0, Z0;         \
	VPDPWSSD    (DI)(CX*4), Z29, Z0; \
	VMOVDQU32.Z (SI)(CX*4), K1, Z1;  \
	VPSUBD      Z0, Z1, Z1;          \
	VMOVDQU32   Z1, K1, (SI)(CX*4)

// The H = 32768 versions: H·x = (x << 16) >> 1 (arithmetic).
#define RKSTEPB \
	VPMADDWD  (DI)(CX*4), Z30, Z0; \
	VPSLLD    $16, (DI)(CX*4), Z2; \
	VPSRAD    $16, Z0, Z0;         \
	VPSRAD    $1, Z2, Z2;          \
	VPADDD    Z2, Z0, Z0;          \
	VMOVDQU32 (SI)(CX*4), Z1;      \
	VPSUBD    Z0, Z1, Z1;          \
	VMOVDQU32 Z1, (SI)(CX*4)

#define RKTAILB \
	VPMADDWD    (DI)(CX*4), Z30, Z0; \
	VPSLLD      $16, (DI)(CX*4), Z2; \
	VPSRAD      $16, Z0, Z0;         \
	VPSRAD      $1, Z2, Z2;          \
	VPADDD      Z2, Z0, Z0;          \
	VMOVDQU32.Z (SI)(CX*4), K1, Z1;  \
	VPSUBD      Z0, Z1, Z1;          \
	VMOVDQU32   Z1, K1, (SI)(CX*4)

// VPSHUFB indices: the high word of each dword to its low word, high word 0.
DATA rkhiword<>+0(SB)/8, $0x8080070680800302
DATA rkhiword<>+8(SB)/8, $0x80800f0e80800b0a
GLOBL rkhiword<>(SB), RODATA|NOPTR, $16

// func rankOneS32BlockAVX512(w *int32, cols int, gr *int32, rows int, x *int16, n int)
TEXT ·rankOneS32BlockAVX512(SB), $576-48
	MOVQ w+0(FP), SI
	MOVQ cols+8(FP), R8
	SHLQ $2, R8
	MOVQ gr+16(FP), DX
	MOVQ rows+24(FP), R9
	MOVQ x+32(FP), BX
	MOVQ n+40(FP), R10
	LEAQ buf-576(SP), DI
	ADDQ $63, DI
	ANDQ $-64, DI                 // 512-byte buffer, cache-line aligned
	MOVL $0x20000, AX
	VPBROADCASTD AX, Z31
	MOVL $0x80000000, AX
	VPBROADCASTD AX, Z28
	VBROADCASTI32X4 rkhiword<>(SB), Z27
	MOVQ R10, R11
	ANDQ $-16, R11
	MOVQ R10, CX
	SUBQ R11, CX                  // t = 0..15
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1

	// buf[j] = (x[j], 2) as int16 pairs; the tail is zero-extended.
	XORL CX, CX
	CMPQ CX, R11
	JGE  rk_filltail

rk_fill:
	VPMOVZXWD (BX)(CX*2), Z0
	VPORD     Z31, Z0, Z0
	VMOVDQU32 Z0, (DI)(CX*4)
	ADDQ      $16, CX
	CMPQ      CX, R11
	JLT       rk_fill

rk_filltail:
	CMPQ        R11, R10
	JEQ         rk_row
	VMOVDQU16.Z (BX)(CX*2), K1, Y0
	VPMOVZXWD   Y0, Z0
	VPORD       Z31, Z0, Z0
	VMOVDQU32   Z0, (DI)(CX*4)

rk_row:
	MOVLQSX (DX), AX
	TESTQ   AX, AX
	JZ      rk_next
	MOVWQSX AX, R12               // L
	SUBQ    R12, AX
	SARQ    $16, AX               // H
	ANDL    $0xffff, R12
	ORL     $0x40000000, R12      // (L, 16384)
	VPBROADCASTD R12, Z30
	XORL    CX, CX
	CMPQ    AX, $32768
	JEQ     rk_big
	ANDL    $0xffff, AX
	ORL     $0xc0000000, AX       // (H, -16384)
	VPBROADCASTD AX, Z29
	CMPQ    CX, R11
	JGE     rk_tail

rk_step:
	RKSTEP
	ADDQ $16, CX
	CMPQ CX, R11
	JLT  rk_step

rk_tail:
	CMPQ R11, R10
	JEQ  rk_next
	RKTAIL
	JMP  rk_next

rk_big:
	CMPQ CX, R11
	JGE  rk_bigtail

rk_bigstep:
	RKSTEPB
	ADDQ $16, CX
	CMPQ CX, R11
	JLT  rk_bigstep

rk_bigtail:
	CMPQ R11, R10
	JEQ  rk_next
	RKTAILB

rk_next:
	ADDQ $4, DX
	ADDQ R8, SI
	DECQ R9
	JNZ  rk_row
	VZEROUPPER
	RET
