//go:build !purego

#include "textflag.h"

// AVX-512 element-wise kernels. Each computes exactly the generic Go
// formula; see elem_amd64.go for the parameter ranges they accept.
//
// Rounding right shift by s, ties away from zero (RoundShift), on lanes x:
// q = x >>arith s, r = x & (2^s-1), carry = (r + 2^(s-1) - [x<0]) >>logical s,
// result q + carry. No lane can overflow in the ranges used.

// ROUND64 rounds the int64 lanes of Z0 (count X21, mask Z22, half Z23).
#define ROUND64 \
	VPSRAQ X21, Z0, Z1;  \
	VPANDQ Z22, Z0, Z2;  \
	VPSRLQ $63, Z0, Z3;  \
	VPADDQ Z23, Z2, Z2;  \
	VPSUBQ Z3, Z2, Z2;   \
	VPSRLQ X21, Z2, Z2;  \
	VPADDQ Z2, Z1, Z0

// ROUND32 rounds the int32 lanes of Z0 (|x| <= 2^30, s <= 30).
#define ROUND32 \
	VPSRAD X21, Z0, Z1;  \
	VPANDD Z22, Z0, Z2;  \
	VPSRLD $31, Z0, Z3;  \
	VPADDD Z23, Z2, Z2;  \
	VPSUBD Z3, Z2, Z2;   \
	VPSRLD X21, Z2, Z2;  \
	VPADDD Z2, Z1, Z0

// TAILMASK sets K1 to the low CX bits.
#define TAILMASK \
	MOVQ  $1, AX;  \
	SHLQ  CX, AX;  \
	DECQ  AX;      \
	KMOVW AX, K1

// ---- requantisation: 8 int64 lanes per step ----

#define RQSETUP \
	MOVQ         dst+0(FP), DI;   \
	MOVQ         src+8(FP), SI;   \
	MOVQ         n+16(FP), CX;    \
	VPBROADCASTQ mult+24(FP), Z20; \
	VMOVQ        shift+32(FP), X21; \
	VPBROADCASTQ mask+40(FP), Z22; \
	VPBROADCASTQ half+48(FP), Z23; \
	MOVQ         $-0x80000000, AX; \
	VPBROADCASTQ AX, Z24;          \
	MOVQ         $0x7fffffff, AX;  \
	VPBROADCASTQ AX, Z25;          \
	VPBROADCASTQ zero+56(FP), Z26; \
	VPBROADCASTQ lo+64(FP), Z27;   \
	VPBROADCASTQ hi+72(FP), Z28

// RQCALC: Z0 (int32 widened to int64) → clamp(clamp(round(x·mult), int32) + zero, lo, hi).
#define RQCALC \
	VPMULDQ Z20, Z0, Z0; \
	ROUND64;             \
	VPMAXSQ Z24, Z0, Z0; \
	VPMINSQ Z25, Z0, Z0; \
	VPADDQ  Z26, Z0, Z0; \
	VPMAXSQ Z27, Z0, Z0; \
	VPMINSQ Z28, Z0, Z0

// func requant16AVX512(dst *int16, src *int32, n int, mult, shift, mask, half, zero, lo, hi int64)
TEXT ·requant16AVX512(SB), NOSPLIT, $0-80
	RQSETUP

rq16_loop:
	CMPQ      CX, $8
	JLT       rq16_tail
	VPMOVSXDQ (SI), Z0
	RQCALC
	VPMOVQW   Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $16, DI
	SUBQ      $8, CX
	JMP       rq16_loop

rq16_tail:
	TESTQ CX, CX
	JZ    rq16_done
	TAILMASK
	VPMOVSXDQ.Z (SI), K1, Z0
	RQCALC
	VPMOVQW     Z0, K1, (DI)

rq16_done:
	VZEROUPPER
	RET

// func requant8AVX512(dst *uint8, src *int32, n int, mult, shift, mask, half, zero, lo, hi int64)
TEXT ·requant8AVX512(SB), NOSPLIT, $0-80
	RQSETUP

rq8_loop:
	CMPQ      CX, $8
	JLT       rq8_tail
	VPMOVSXDQ (SI), Z0
	RQCALC
	VPMOVQB   Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $8, DI
	SUBQ      $8, CX
	JMP       rq8_loop

rq8_tail:
	TESTQ CX, CX
	JZ    rq8_done
	TAILMASK
	VPMOVSXDQ.Z (SI), K1, Z0
	RQCALC
	VPMOVQB     Z0, K1, (DI)

rq8_done:
	VZEROUPPER
	RET

// ---- int16 products: 16 int32 lanes per step ----

// func mulI16AVX512(dst, a, b *int16, n int, shift, mask, half int64)
TEXT ·mulI16AVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	VMOVQ        shift+32(FP), X21
	MOVQ         mask+40(FP), AX
	VPBROADCASTD AX, Z22
	MOVQ         half+48(FP), AX
	VPBROADCASTD AX, Z23

mul_loop:
	CMPQ      CX, $16
	JLT       mul_tail
	VPMOVSXWD (SI), Z0
	VPMOVSXWD (DX), Z4
	VPMULLD   Z4, Z0, Z0
	ROUND32
	VPMOVSDW  Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, DI
	SUBQ      $16, CX
	JMP       mul_loop

mul_tail:
	TESTQ CX, CX
	JZ    mul_done
	TAILMASK
	VPMOVSXWD.Z (SI), K1, Z0
	VPMOVSXWD.Z (DX), K1, Z4
	VPMULLD     Z4, Z0, Z0
	ROUND32
	VPMOVSDW    Z0, K1, (DI)

mul_done:
	VZEROUPPER
	RET

// GATECALC: Z0 = a, Z4 = g (widened) → (a·g + 2^15 - [a·g<0]) >> 16.
#define GATECALC \
	VPMULLD Z4, Z0, Z0;  \
	VPSRAD  $31, Z0, Z1; \
	VPADDD  Z1, Z0, Z0;  \
	VPADDD  Z23, Z0, Z0; \
	VPSRAD  $16, Z0, Z0

// func gateAVX512(dst, a *int16, gf *uint16, n int)
TEXT ·gateAVX512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         gf+16(FP), DX
	MOVQ         n+24(FP), CX
	MOVL         $0x8000, AX
	VPBROADCASTD AX, Z23

gate_loop:
	CMPQ      CX, $16
	JLT       gate_tail
	VPMOVSXWD (SI), Z0
	VPMOVZXWD (DX), Z4
	GATECALC
	VPMOVDW   Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, DI
	SUBQ      $16, CX
	JMP       gate_loop

gate_tail:
	TESTQ CX, CX
	JZ    gate_done
	TAILMASK
	VPMOVSXWD.Z (SI), K1, Z0
	VPMOVZXWD.Z (DX), K1, Z4
	GATECALC
	VPMOVDW     Z0, K1, (DI)

gate_done:
	VZEROUPPER
	RET

// func reluSqU8AVX512(dst *uint8, x *int16, n int, shift, mask, half int64)
TEXT ·reluSqU8AVX512(SB), NOSPLIT, $0-48
	MOVQ   dst+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   n+16(FP), CX
	VMOVQ  shift+24(FP), X21
	MOVQ   mask+32(FP), AX
	VPBROADCASTD AX, Z22
	MOVQ   half+40(FP), AX
	VPBROADCASTD AX, Z23
	VPXORD Z31, Z31, Z31

relu_loop:
	CMPQ      CX, $16
	JLT       relu_tail
	VPMOVSXWD (SI), Z0
	VPMAXSD   Z31, Z0, Z0
	VPMULLD   Z0, Z0, Z0
	ROUND32
	VPMOVUSDB Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $16, DI
	SUBQ      $16, CX
	JMP       relu_loop

relu_tail:
	TESTQ CX, CX
	JZ    relu_done
	TAILMASK
	VPMOVSXWD.Z (SI), K1, Z0
	VPMAXSD     Z31, Z0, Z0
	VPMULLD     Z0, Z0, Z0
	ROUND32
	VPMOVUSDB   Z0, K1, (DI)

relu_done:
	VZEROUPPER
	RET

// ---- table nonlinearities (gathers) ----

// SIGCALC: Z0 = x (int32) → Z4 = Sigmoid(x). Table at DX.
#define SIGCALC \
	VPSRAD     $31, Z0, Z1;          \
	VPABSD     Z0, Z0;               \
	VPSRLD     $6, Z0, Z2;           \
	VPANDD     Z29, Z0, Z3;          \
	KXNORW     K2, K2, K2;           \
	VPGATHERDD (DX)(Z2*4), K2, Z4;   \
	KXNORW     K3, K3, K3;           \
	VPGATHERDD 4(DX)(Z2*4), K3, Z5;  \
	VPSUBD     Z4, Z5, Z5;           \
	VPMULLD    Z3, Z5, Z5;           \
	VPSLLD     $6, Z4, Z4;           \
	VPADDD     Z5, Z4, Z4;           \
	VPADDD     Z30, Z4, Z4;          \
	VPSRAD     $14, Z4, Z4;          \
	VPSLLD     $1, Z4, Z6;           \
	VPSUBD     Z6, Z28, Z6;          \
	VPANDD     Z1, Z6, Z6;           \
	VPADDD     Z6, Z4, Z4

// func sigmoidAVX512(dst *uint16, x *int16, n int, tab *uint32)
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         tab+24(FP), DX
	MOVL         $63, AX
	VPBROADCASTD AX, Z29
	MOVL         $8192, AX
	VPBROADCASTD AX, Z30
	MOVL         $65536, AX
	VPBROADCASTD AX, Z28

sig_loop:
	CMPQ      CX, $16
	JLT       sig_tail
	VPMOVSXWD (SI), Z0
	SIGCALC
	VPMOVDW   Z4, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	SUBQ      $16, CX
	JMP       sig_loop

sig_tail:
	TESTQ CX, CX
	JZ    sig_done
	TAILMASK
	VPMOVSXWD.Z (SI), K1, Z0
	SIGCALC
	VPMOVDW     Z4, K1, (DI)

sig_done:
	VZEROUPPER
	RET

// ---- AddInt16 and Lerp ----

// func addI16ShlAVX512(dst, a, b *int16, n int, left int64)
TEXT ·addI16ShlAVX512(SB), NOSPLIT, $0-40
	MOVQ  dst+0(FP), DI
	MOVQ  a+8(FP), SI
	MOVQ  b+16(FP), DX
	MOVQ  n+24(FP), CX
	VMOVQ left+32(FP), X20

addl_loop:
	CMPQ      CX, $16
	JLT       addl_tail
	VPMOVSXWD (DX), Z0
	VPSLLD    X20, Z0, Z0
	VPMOVSXWD (SI), Z4
	VPADDD    Z4, Z0, Z0
	VPMOVSDW  Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, DI
	SUBQ      $16, CX
	JMP       addl_loop

addl_tail:
	TESTQ CX, CX
	JZ    addl_done
	TAILMASK
	VPMOVSXWD.Z (DX), K1, Z0
	VPSLLD      X20, Z0, Z0
	VPMOVSXWD.Z (SI), K1, Z4
	VPADDD      Z4, Z0, Z0
	VPMOVSDW    Z0, K1, (DI)

addl_done:
	VZEROUPPER
	RET

// func addI16RndAVX512(dst, a, b *int16, n int, shift, mask, half int64)
TEXT ·addI16RndAVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	VMOVQ        shift+32(FP), X21
	MOVQ         mask+40(FP), AX
	VPBROADCASTD AX, Z22
	MOVQ         half+48(FP), AX
	VPBROADCASTD AX, Z23

addr_loop:
	CMPQ      CX, $16
	JLT       addr_tail
	VPMOVSXWD (DX), Z0
	ROUND32
	VPMOVSXWD (SI), Z4
	VPADDD    Z4, Z0, Z0
	VPMOVSDW  Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, DI
	SUBQ      $16, CX
	JMP       addr_loop

addr_tail:
	TESTQ CX, CX
	JZ    addr_done
	TAILMASK
	VPMOVSXWD.Z (DX), K1, Z0
	ROUND32
	VPMOVSXWD.Z (SI), K1, Z4
	VPADDD      Z4, Z0, Z0
	VPMOVSDW    Z0, K1, (DI)

addr_done:
	VZEROUPPER
	RET

// LERPZ: Z0 = a, Z1 = b, Z2 = mu (int32 lanes) → Z4 = a + RoundShift((b-a)·mu, 16),
// in 32-bit lanes as LERPY below (mu = 256·mh + ml split).
#define LERPZ \
	VPSUBD  Z0, Z1, Z1;  \
	VPSRLD  $8, Z2, Z3;  \
	VPANDD  Z12, Z2, Z2; \
	VPMULLD Z1, Z3, Z3;  \
	VPMULLD Z1, Z2, Z2;  \
	VPSRAD  $8, Z3, Z4;  \
	VPANDD  Z12, Z3, Z3; \
	VPSLLD  $8, Z3, Z3;  \
	VPADDD  Z2, Z3, Z3;  \
	VPSRAD  $31, Z1, Z1; \
	VPADDD  Z1, Z3, Z3;  \
	VPADDD  Z13, Z3, Z3; \
	VPSRAD  $16, Z3, Z3; \
	VPADDD  Z3, Z4, Z4;  \
	VPADDD  Z0, Z4, Z4

// func lerpAVX512(dst, a, b *int16, mu *uint16, n int)
TEXT ·lerpAVX512(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         b+16(FP), DX
	MOVQ         mu+24(FP), BX
	MOVQ         n+32(FP), CX
	MOVL         $255, AX
	VPBROADCASTD AX, Z12
	MOVL         $0x8000, AX
	VPBROADCASTD AX, Z13

lerp_loop:
	CMPQ      CX, $16
	JLT       lerp_tail
	VPMOVSXWD (SI), Z0
	VPMOVSXWD (DX), Z1
	VPMOVZXWD (BX), Z2
	LERPZ
	VPMOVDW   Z4, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, BX
	ADDQ      $32, DI
	SUBQ      $16, CX
	JMP       lerp_loop

lerp_tail:
	TESTQ CX, CX
	JZ    lerp_done
	TAILMASK
	VPMOVSXWD.Z (SI), K1, Z0
	VPMOVSXWD.Z (DX), K1, Z1
	VPMOVZXWD.Z (BX), K1, Z2
	LERPZ
	VPMOVDW     Z4, K1, (DI)

lerp_done:
	VZEROUPPER
	RET

// ---- AVX2 versions: 16 elements per step (two YMM of 8 int32), n%16 == 0;
// the caller does the tail in Go ----

// ROUND32Y rounds the int32 lanes of Y0 (count X11, mask Y12, half Y13),
// using Y1..Y3.
#define ROUND32Y(r) \
	VPSRAD X11, r, Y1;  \
	VPAND  Y12, r, Y2;  \
	VPSRLD $31, r, Y3;  \
	VPADDD Y13, Y2, Y2; \
	VPSUBD Y3, Y2, Y2;  \
	VPSRLD X11, Y2, Y2; \
	VPADDD Y2, Y1, r

// PACKW16 stores the 16 int32 of Y4 (elements 0-7) and Y5 (8-15) as int16
// with signed saturation.
#define PACKW16 \
	VPACKSSDW Y5, Y4, Y4;     \
	VPERMQ    $0xD8, Y4, Y4;  \
	VMOVDQU   Y4, (DI)

// func mulI16AVX2(dst, a, b *int16, n int, shift, mask, half int64)
TEXT ·mulI16AVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	VMOVQ        shift+32(FP), X11
	MOVQ         mask+40(FP), AX
	VMOVD        AX, X12
	VPBROADCASTD X12, Y12
	MOVQ         half+48(FP), AX
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13

muly_loop:
	VPMOVSXWD (SI), Y4
	VPMOVSXWD (DX), Y6
	VPMULLD   Y6, Y4, Y4
	ROUND32Y(Y4)
	VPMOVSXWD 16(SI), Y5
	VPMOVSXWD 16(DX), Y6
	VPMULLD   Y6, Y5, Y5
	ROUND32Y(Y5)
	PACKW16
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $16, CX
	JNZ  muly_loop
	VZEROUPPER
	RET

// func addI16RndAVX2(dst, a, b *int16, n int, shift, mask, half int64)
TEXT ·addI16RndAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	VMOVQ        shift+32(FP), X11
	MOVQ         mask+40(FP), AX
	VMOVD        AX, X12
	VPBROADCASTD X12, Y12
	MOVQ         half+48(FP), AX
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13

addry_loop:
	VPMOVSXWD (DX), Y4
	ROUND32Y(Y4)
	VPMOVSXWD (SI), Y6
	VPADDD    Y6, Y4, Y4
	VPMOVSXWD 16(DX), Y5
	ROUND32Y(Y5)
	VPMOVSXWD 16(SI), Y6
	VPADDD    Y6, Y5, Y5
	PACKW16
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $16, CX
	JNZ  addry_loop
	VZEROUPPER
	RET

// func addI16ShlAVX2(dst, a, b *int16, n int, left int64)
TEXT ·addI16ShlAVX2(SB), NOSPLIT, $0-40
	MOVQ  dst+0(FP), DI
	MOVQ  a+8(FP), SI
	MOVQ  b+16(FP), DX
	MOVQ  n+24(FP), CX
	VMOVQ left+32(FP), X10

addly_loop:
	VPMOVSXWD (DX), Y4
	VPSLLD    X10, Y4, Y4
	VPMOVSXWD (SI), Y6
	VPADDD    Y6, Y4, Y4
	VPMOVSXWD 16(DX), Y5
	VPSLLD    X10, Y5, Y5
	VPMOVSXWD 16(SI), Y6
	VPADDD    Y6, Y5, Y5
	PACKW16
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $16, CX
	JNZ  addly_loop
	VZEROUPPER
	RET

// GATEY(r, off): r = (a·g + 2^15 - [a·g<0]) >> 16 for the 8 elements at off.
#define GATEY(r, off) \
	VPMOVSXWD off(SI), r;   \
	VPMOVZXWD off(DX), Y6;  \
	VPMULLD   Y6, r, r;     \
	VPSRAD    $31, r, Y7;   \
	VPADDD    Y7, r, r;     \
	VPADDD    Y13, r, r;    \
	VPSRAD    $16, r, r

// func gateAVX2(dst, a *int16, gf *uint16, n int)
TEXT ·gateAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         gf+16(FP), DX
	MOVQ         n+24(FP), CX
	MOVL         $0x8000, AX
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13

gatey_loop:
	GATEY(Y4, 0)
	GATEY(Y5, 16)
	PACKW16
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $16, CX
	JNZ  gatey_loop
	VZEROUPPER
	RET

// func reluSqU8AVX2(dst *uint8, x *int16, n int, shift, mask, half int64)
TEXT ·reluSqU8AVX2(SB), NOSPLIT, $0-48
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VMOVQ        shift+24(FP), X11
	MOVQ         mask+32(FP), AX
	VMOVD        AX, X12
	VPBROADCASTD X12, Y12
	MOVQ         half+40(FP), AX
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13
	VPXOR        Y15, Y15, Y15

reluy_loop:
	VPMOVSXWD (SI), Y4
	VPMAXSD   Y15, Y4, Y4
	VPMULLD   Y4, Y4, Y4
	ROUND32Y(Y4)
	VPMOVSXWD 16(SI), Y5
	VPMAXSD   Y15, Y5, Y5
	VPMULLD   Y5, Y5, Y5
	ROUND32Y(Y5)
	VPACKSSDW Y5, Y4, Y4          // 0 <= v: saturates above 32767
	VPERMQ    $0xD8, Y4, Y4
	VPACKUSWB Y4, Y4, Y4          // min(v, 255)
	VPERMQ    $0x08, Y4, Y4
	VMOVDQU   X4, (DI)
	ADDQ $32, SI
	ADDQ $16, DI
	SUBQ $16, CX
	JNZ  reluy_loop
	VZEROUPPER
	RET

// SIGY(r, off): r = Sigmoid of the 8 int16 at off(SI); table at DX.
#define SIGY(r, off) \
	VPMOVSXWD  off(SI), Y0;          \
	VPSRAD     $31, Y0, Y1;          \
	VPABSD     Y0, Y0;               \
	VPSRLD     $6, Y0, Y2;           \
	VPAND      Y9, Y0, Y3;           \
	VPCMPEQD   Y7, Y7, Y7;           \
	VPGATHERDD Y7, (DX)(Y2*4), r;    \
	VPCMPEQD   Y7, Y7, Y7;           \
	VPGATHERDD Y7, 4(DX)(Y2*4), Y8;  \
	VPSUBD     r, Y8, Y8;            \
	VPMULLD    Y3, Y8, Y8;           \
	VPSLLD     $6, r, r;             \
	VPADDD     Y8, r, r;             \
	VPADDD     Y10, r, r;            \
	VPSRAD     $14, r, r;            \
	VPSLLD     $1, r, Y6;            \
	VPSUBD     Y6, Y11, Y6;          \
	VPAND      Y1, Y6, Y6;           \
	VPADDD     Y6, r, r

// func sigmoidAVX2(dst *uint16, x *int16, n int, tab *uint32)
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         tab+24(FP), DX
	MOVL         $63, AX
	VMOVD        AX, X9
	VPBROADCASTD X9, Y9
	MOVL         $8192, AX
	VMOVD        AX, X10
	VPBROADCASTD X10, Y10
	MOVL         $65536, AX
	VMOVD        AX, X11
	VPBROADCASTD X11, Y11

sigy_loop:
	SIGY(Y4, 0)
	SIGY(Y5, 16)
	// Results are in [22, 65514]: truncate to 16 bits (an unsigned-saturating
	// pack would be exact too, but the values are not signed int16).
	VPSLLD    $16, Y4, Y4
	VPSRAD    $16, Y4, Y4
	VPSLLD    $16, Y5, Y5
	VPSRAD    $16, Y5, Y5
	PACKW16
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $16, CX
	JNZ  sigy_loop
	VZEROUPPER
	RET

// ---- AVX2 requantisation: 4 int64 lanes per step, n%4 == 0 ----
// AVX2 has no 64-bit arithmetic shift or min/max: the shift is a logical
// shift OR-ed with the shifted sign mask, the clamps are compare + blend.

// RQYCALC: 4 int32 at (SI) → X0 = 4 int32 results (in [lo, hi]).
#define RQYCALC \
	VPMOVSXDQ (SI), Y0;          \
	VPMULDQ   Y15, Y0, Y0;       \
	VPCMPGTQ  Y0, Y14, Y4;       \
	VPSRLQ    X11, Y0, Y1;       \
	VPSLLQ    X10, Y4, Y4;       \
	VPOR      Y4, Y1, Y1;        \
	VPAND     Y12, Y0, Y2;       \
	VPSRLQ    $63, Y0, Y3;       \
	VPADDQ    Y13, Y2, Y2;       \
	VPSUBQ    Y3, Y2, Y2;        \
	VPSRLQ    X11, Y2, Y2;       \
	VPADDQ    Y2, Y1, Y0;        \
	VPCMPGTQ  Y8, Y0, Y1;        \
	VPBLENDVB Y1, Y8, Y0, Y0;    \
	VPCMPGTQ  Y0, Y9, Y1;        \
	VPBLENDVB Y1, Y9, Y0, Y0;    \
	VPADDQ    Y7, Y0, Y0;        \
	VPCMPGTQ  Y5, Y0, Y1;        \
	VPBLENDVB Y1, Y5, Y0, Y0;    \
	VPCMPGTQ  Y0, Y6, Y1;        \
	VPBLENDVB Y1, Y6, Y0, Y0;    \
	VPSHUFD   $0x08, Y0, Y0;     \
	VPERMQ    $0x08, Y0, Y0

// Byte selections: low words / low bytes of 4 dwords.
DATA shufw16<>+0(SB)/8, $0x0d0c090805040100
DATA shufw16<>+8(SB)/8, $0x8080808080808080
GLOBL shufw16<>(SB), RODATA|NOPTR, $16
DATA shufb8<>+0(SB)/8, $0x808080800c080400
DATA shufb8<>+8(SB)/8, $0x8080808080808080
GLOBL shufb8<>(SB), RODATA|NOPTR, $16

// func requant16AVX2(dst *int16, src *int32, n int, mult, shift, mask, half, zero, lo, hi int64)
TEXT ·requant16AVX2(SB), NOSPLIT, $0-80
// (RQYSETUP is defined here so that vet checks its argument references
// against this function, which has the same layout as requant8AVX2.)
#define RQYSETUP \
	MOVQ         dst+0(FP), DI;    \
	MOVQ         src+8(FP), SI;    \
	MOVQ         n+16(FP), CX;     \
	VPBROADCASTQ mult+24(FP), Y15; \
	VMOVQ        shift+32(FP), X11; \
	MOVQ         $64, AX;          \
	SUBQ         shift+32(FP), AX; \
	VMOVQ        AX, X10;          \
	VPBROADCASTQ mask+40(FP), Y12; \
	VPBROADCASTQ half+48(FP), Y13; \
	MOVQ         $-0x80000000, AX; \
	VMOVQ        AX, X9;           \
	VPBROADCASTQ X9, Y9;           \
	MOVQ         $0x7fffffff, AX;  \
	VMOVQ        AX, X8;           \
	VPBROADCASTQ X8, Y8;           \
	VPBROADCASTQ zero+56(FP), Y7;  \
	VPBROADCASTQ lo+64(FP), Y6;    \
	VPBROADCASTQ hi+72(FP), Y5;    \
	VPXOR        Y14, Y14, Y14

	RQYSETUP

rqy16_loop:
	RQYCALC
	VPSHUFB shufw16<>(SB), X0, X0
	VMOVQ   X0, (DI)
	ADDQ    $16, SI
	ADDQ    $8, DI
	SUBQ    $4, CX
	JNZ     rqy16_loop
	VZEROUPPER
	RET

// func requant8AVX2(dst *uint8, src *int32, n int, mult, shift, mask, half, zero, lo, hi int64)
TEXT ·requant8AVX2(SB), NOSPLIT, $0-80
	RQYSETUP

rqy8_loop:
	RQYCALC
	VPSHUFB shufb8<>(SB), X0, X0
	VMOVD   X0, (DI)
	ADDQ    $16, SI
	ADDQ    $4, DI
	SUBQ    $4, CX
	JNZ     rqy8_loop
	VZEROUPPER
	RET

// LERPY(r, off): r = a + RoundShift((b-a)·mu, 16) for 8 elements, in 32-bit
// lanes: with mu = 256·mh + ml, p1 = d·mh = 256·h + l (l = p1&255), the
// product is 2^16·h + T, T = 256·l + d·ml, and the result a + h +
// ((T + 2^15 - [d<0]) >> 16) (for mu = 0 both T and the result are 0).
#define LERPY(r, off) \
	VPMOVSXWD off(SI), Y0;  \
	VPMOVSXWD off(DX), Y1;  \
	VPSUBD    Y0, Y1, Y1;   \
	VPMOVZXWD off(BX), Y2;  \
	VPSRLD    $8, Y2, Y3;   \
	VPAND     Y12, Y2, Y2;  \
	VPMULLD   Y1, Y3, Y3;   \
	VPMULLD   Y1, Y2, Y2;   \
	VPSRAD    $8, Y3, r;    \
	VPAND     Y12, Y3, Y3;  \
	VPSLLD    $8, Y3, Y3;   \
	VPADDD    Y2, Y3, Y3;   \
	VPSRAD    $31, Y1, Y1;  \
	VPADDD    Y1, Y3, Y3;   \
	VPADDD    Y13, Y3, Y3;  \
	VPSRAD    $16, Y3, Y3;  \
	VPADDD    Y3, r, r;     \
	VPADDD    Y0, r, r

// func lerpAVX2(dst, a, b *int16, mu *uint16, n int)
TEXT ·lerpAVX2(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         b+16(FP), DX
	MOVQ         mu+24(FP), BX
	MOVQ         n+32(FP), CX
	MOVL         $255, AX
	VMOVD        AX, X12
	VPBROADCASTD X12, Y12
	MOVL         $0x8000, AX
	VMOVD        AX, X13
	VPBROADCASTD X13, Y13

lerpy_loop:
	LERPY(Y4, 0)
	LERPY(Y5, 16)
	PACKW16
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, BX
	ADDQ $32, DI
	SUBQ $16, CX
	JNZ  lerpy_loop
	VZEROUPPER
	RET
