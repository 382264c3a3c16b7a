//go:build !purego

#include "textflag.h"

// WKV16 with AVX-512 (see wkv.go for the definition). All arithmetic is the
// reference's int64 arithmetic, lane by lane, so the result is identical for
// every input:
//
//   - VPMULDQ multiplies the signed low dwords of two qword lanes into an
//     exact int64: every multiplicand is an int32 (S, kk, dec, sa after
//     saturation, b, v, kv, r, and x after saturation).
//   - VPADDQ/VPSUBQ wrap modulo 2^64 exactly like Go's int64 + and -.
//   - VPSRAQ/VPSRAVQ are the flooring >> on int64; VPSRAVQ with a count
//     above 63 fills with the sign bit, which is what Go's x >> s gives for
//     s >= 64 (rsh and yShift are passed through unchanged).
//   - Sat32 is VPMAXSQ/VPMINSQ against -2^31 and 2^31-1; Sat16 is VPMOVSQW
//     (signed saturation of int64 to int16, i.e. the clamp).
//
// The 16 value channels i are split into even and odd lanes: the "even"
// vectors hold channel 2k in the low dword of qword k (a plain 64-byte load
// of 16 int32, whose high dwords VPMULDQ ignores), the "odd" ones channel
// 2k+1 (a load from 4 bytes further, masked to the 15 dwords inside the
// column). One VPERMT2D interleaves the low dwords of the two saturated
// halves back into the column, which is stored whole. (Two masked stores
// instead make it 2.5 times slower: the next call's loads of the state
// cannot be forwarded from them.) Both phases are unrolled over j; the
// update exists twice, with and without the v⊗kv shift (rsh = 0).
//
// Registers:
//   SI st, R11 kk, DX b, R8 dec, R9 kv, R10 r
//   Z20/Z21 sa even/odd, Z22/Z23 v even/odd, Z14/Z15 output sums even/odd
//   Z28 = -2^31, Z29 = 2^31-1 (qwords), Z30 = rsh (qwords)
//   K1 = 0x7fff (odd loads), Z31 = interleave indices (stores)

// SUMSTEP accumulates -S[i][j]·kk[j] for column j (col = byte offset of
// the column, sc = byte offset of the scalar).
#define SUMSTEP(col, sc) \
	VPBROADCASTD sc(R11), Z0;          \
	VMOVDQU32.Z  col+4(SI), K1, Z2;    \
	VPMULDQ      col(SI), Z0, Z1;      \
	VPMULDQ      Z2, Z0, Z2;           \
	VPSUBQ       Z1, Z20, Z20;         \
	VPSUBQ       Z2, Z21, Z21

// The v⊗kv term's shift: VSHR shifts by rsh, VSH0 is the rsh = 0 version.
#define VSHR(t) VPSRAVQ Z30, t, t
#define VSH0(t)

// HALF computes one half (even or odd lanes) of the new column: s holds
// S[i][j] in its low dwords, sa and vv the lanes' sa and v, acc the output
// sum; Z0..Z3 hold dec[j], b[j], kv[j], r[j]; t1, t2 are scratch; vsh is
// VSHR or VSH0. The saturated result stays in s.
#define HALF(s, sa, vv, acc, t1, t2, vsh) \
	VPMULDQ s, Z0, s;      \
	VPMULDQ sa, Z1, t1;    \
	VPMULDQ vv, Z2, t2;    \
	VPSRAQ  $16, s, s;     \
	VPSRAQ  $15, t1, t1;   \
	vsh(t2);               \
	VPADDQ  t1, s, s;      \
	VPADDQ  t2, s, s;      \
	VPMAXSQ Z28, s, s;     \
	VPMINSQ Z29, s, s;     \
	VPMULDQ s, Z3, t1;     \
	VPADDQ  t1, acc, acc

// STEP updates column j (byte offsets col and sc as in SUMSTEP).
#define STEP(col, sc, vsh) \
	VPBROADCASTD sc(R8), Z0;           \
	VPBROADCASTD sc(DX), Z1;           \
	VPBROADCASTD sc(R9), Z2;           \
	VPBROADCASTD sc(R10), Z3;          \
	VMOVDQU32    col(SI), Z4;          \
	VMOVDQU32.Z  col+4(SI), K1, Z5;    \
	HALF(Z4, Z20, Z22, Z14, Z6, Z7, vsh);   \
	HALF(Z5, Z21, Z23, Z15, Z8, Z9, vsh);   \
	VPERMT2D     Z5, Z31, Z4;          \
	VMOVDQU32    Z4, col(SI)

// Dword indices that interleave the low dwords of the even (table 1) and
// odd (table 2) qword vectors: 0, 16, 2, 18, ..., 14, 30.
DATA wkvinterleave<>+0(SB)/8, $0x1606140412021000
DATA wkvinterleave<>+8(SB)/8, $0x1e0e1c0c1a0a1808
GLOBL wkvinterleave<>(SB), RODATA|NOPTR, $16

// func wkv16AVX512(st *[256]int32, kk, b, dec, kv, v, r *[16]int32, rsh, yShift uint, y *[16]int16)
TEXT ·wkv16AVX512(SB), NOSPLIT, $0-80
	MOVQ st+0(FP), SI
	MOVQ kk+8(FP), R11
	MOVQ b+16(FP), DX
	MOVQ dec+24(FP), R8
	MOVQ kv+32(FP), R9
	MOVQ v+40(FP), BX
	MOVQ r+48(FP), R10
	MOVL $0x7fff, AX
	KMOVW AX, K1
	VPMOVZXBD wkvinterleave<>(SB), Z31
	MOVQ $-0x80000000, AX
	VPBROADCASTQ AX, Z28
	MOVQ $0x7fffffff, AX
	VPBROADCASTQ AX, Z29
	VPBROADCASTQ rsh+56(FP), Z30
	VMOVDQU32 (BX), Z22
	VMOVDQU32.Z 4(BX), K1, Z23

	// sa[i] = Sat32((-Σ_j S[i][j]·kk[j]) >> 15)
	VPXORQ Z20, Z20, Z20
	VPXORQ Z21, Z21, Z21
	SUMSTEP(0, 0)
	SUMSTEP(64, 4)
	SUMSTEP(128, 8)
	SUMSTEP(192, 12)
	SUMSTEP(256, 16)
	SUMSTEP(320, 20)
	SUMSTEP(384, 24)
	SUMSTEP(448, 28)
	SUMSTEP(512, 32)
	SUMSTEP(576, 36)
	SUMSTEP(640, 40)
	SUMSTEP(704, 44)
	SUMSTEP(768, 48)
	SUMSTEP(832, 52)
	SUMSTEP(896, 56)
	SUMSTEP(960, 60)
	VPSRAQ  $15, Z20, Z20
	VPSRAQ  $15, Z21, Z21
	VPMAXSQ Z28, Z20, Z20
	VPMAXSQ Z28, Z21, Z21
	VPMINSQ Z29, Z20, Z20
	VPMINSQ Z29, Z21, Z21

	// S' and the output sums; the v⊗kv shift is skipped if rsh = 0.
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15
	MOVQ   rsh+56(FP), AX
	TESTQ  AX, AX
	JZ     wkv_rsh0
	STEP(0, 0, VSHR)
	STEP(64, 4, VSHR)
	STEP(128, 8, VSHR)
	STEP(192, 12, VSHR)
	STEP(256, 16, VSHR)
	STEP(320, 20, VSHR)
	STEP(384, 24, VSHR)
	STEP(448, 28, VSHR)
	STEP(512, 32, VSHR)
	STEP(576, 36, VSHR)
	STEP(640, 40, VSHR)
	STEP(704, 44, VSHR)
	STEP(768, 48, VSHR)
	STEP(832, 52, VSHR)
	STEP(896, 56, VSHR)
	STEP(960, 60, VSHR)
	JMP    wkv_out

wkv_rsh0:
	STEP(0, 0, VSH0)
	STEP(64, 4, VSH0)
	STEP(128, 8, VSH0)
	STEP(192, 12, VSH0)
	STEP(256, 16, VSH0)
	STEP(320, 20, VSH0)
	STEP(384, 24, VSH0)
	STEP(448, 28, VSH0)
	STEP(512, 32, VSH0)
	STEP(576, 36, VSH0)
	STEP(640, 40, VSH0)
	STEP(704, 44, VSH0)
	STEP(768, 48, VSH0)
	STEP(832, 52, VSH0)
	STEP(896, 56, VSH0)
	STEP(960, 60, VSH0)

wkv_out:
	// y[i] = Sat16((acc[i] + half) >> yShift), half = 2^(yShift-1) or 0
	// (also 0 for yShift > 64, as Go's 1 << (yShift-1)).
	MOVQ  yShift+64(FP), CX
	XORL  AX, AX
	DECQ  CX
	CMPQ  CX, $63
	JHI   wkv_nohalf              // yShift = 0 (CX = 2^64-1) or yShift > 64
	MOVL  $1, AX
	SHLQ  CX, AX

wkv_nohalf:
	VPBROADCASTQ AX, Z0
	VPBROADCASTQ yShift+64(FP), Z1
	VPADDQ     Z0, Z14, Z14
	VPADDQ     Z0, Z15, Z15
	VPSRAVQ    Z1, Z14, Z14
	VPSRAVQ    Z1, Z15, Z15
	VPMOVSQW   Z14, X2
	VPMOVSQW   Z15, X3
	VPUNPCKLWD X3, X2, X0
	VPUNPCKHWD X3, X2, X1
	MOVQ       y+72(FP), DI
	VMOVDQU    X0, (DI)
	VMOVDQU    X1, 16(DI)
	VZEROUPPER
	RET

// WKVHALF: kk, b for 8 lanes at byte offset off of the int32 outputs and
// 2·off/4 of k: Z2 = rs.
#define WKVHALF(koff, off) \
	VPMOVSXWQ koff(SI), Z0;    \
	VPMULLQ   Z2, Z0, Z0;      \
	VPSRAQ    $15, Z0, Z0;     \
	VPMOVQD   Z0, Y1;          \
	VMOVDQU   Y1, off(AX);     \
	VPMOVSXDQ Y1, Z0;          \
	VPMOVSXDQ off(R12), Z3;    \
	VPMULLQ   Z3, Z0, Z0;      \
	VPSRAQ    $16, Z0, Z0;     \
	VPMOVQD   Z0, Y1;          \
	VMOVDQU   Y1, off(BX)

// func wkvPrepAVX512(kk, b, kv, v32, r32 *[16]int32, k, v, r *[16]int16, alpha *[16]int32, rs int64, lsh uint)
TEXT ·wkvPrepAVX512(SB), NOSPLIT, $0-88
	MOVQ         kk+0(FP), AX
	MOVQ         b+8(FP), BX
	MOVQ         kv+16(FP), CX
	MOVQ         v32+24(FP), DX
	MOVQ         r32+32(FP), DI
	MOVQ         k+40(FP), SI
	MOVQ         v+48(FP), R8
	MOVQ         r+56(FP), R9
	MOVQ         alpha+64(FP), R12
	VPBROADCASTQ rs+72(FP), Z2
	MOVQ         lsh+80(FP), X4
	WKVHALF(0, 0)
	WKVHALF(16, 32)
	VPMOVSXWD    (SI), Z5
	VPSLLD       X4, Z5, Z5
	VMOVDQU32    Z5, (CX)
	VPMOVSXWD    (R8), Z5
	VMOVDQU32    Z5, (DX)
	VPMOVSXWD    (R9), Z5
	VMOVDQU32    Z5, (DI)
	VZEROUPPER
	RET
