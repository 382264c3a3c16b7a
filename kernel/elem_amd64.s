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

#define SHIFTSETUP \
	VMOVQ        shift+32(FP), X21; \
	MOVQ         mask+40(FP), AX;   \
	VPBROADCASTD AX, Z22;           \
	MOVQ         half+48(FP), AX;   \
	VPBROADCASTD AX, Z23

// func mulI16AVX512(dst, a, b *int16, n int, shift, mask, half int64)
TEXT ·mulI16AVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	SHIFTSETUP

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

// EXPCALC: Z0 = x → Z6 = ExpNeg(x). Tables at DX (hi) and BX (lo).
#define EXPCALC \
	VPMAXSD    Z28, Z0, Z1;          \
	VPMINSD    Z29, Z1, Z1;          \
	VPSRLD     $8, Z1, Z2;           \
	VPANDD     Z30, Z1, Z3;          \
	KXNORW     K2, K2, K2;           \
	VPGATHERDD (DX)(Z2*4), K2, Z4;   \
	KXNORW     K3, K3, K3;           \
	VPGATHERDD (BX)(Z3*4), K3, Z5;   \
	VPMULUDQ   Z5, Z4, Z6;           \
	VPSRLQ     $32, Z4, Z4;          \
	VPSRLQ     $32, Z5, Z5;          \
	VPMULUDQ   Z5, Z4, Z7;           \
	VPADDQ     Z26, Z6, Z6;          \
	VPSRLQ     $44, Z6, Z6;          \
	VPADDQ     Z26, Z7, Z7;          \
	VPSRLQ     $44, Z7, Z7;          \
	VPSLLQ     $32, Z7, Z7;          \
	VPORD      Z7, Z6, Z6;           \
	VPCMPD     $2, Z28, Z0, K4;      \
	VPCMPD     $6, Z29, Z0, K5;      \
	VMOVDQA32  Z27, K4, Z6;          \
	VMOVDQA32  Z28, K5, Z6

// func expNegAVX512(dst *uint32, x *int32, n int, hiTab, loTab *uint32)
TEXT ·expNegAVX512(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         hiTab+24(FP), DX
	MOVQ         loTab+32(FP), BX
	VPXORD       Z28, Z28, Z28
	MOVL         $65535, AX
	VPBROADCASTD AX, Z29
	MOVL         $255, AX
	VPBROADCASTD AX, Z30
	MOVL         $65536, AX
	VPBROADCASTD AX, Z27
	MOVQ         $0x80000000000, AX
	VPBROADCASTQ AX, Z26

exp_loop:
	CMPQ      CX, $16
	JLT       exp_tail
	VMOVDQU32 (SI), Z0
	EXPCALC
	VMOVDQU32 Z6, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       exp_loop

exp_tail:
	TESTQ CX, CX
	JZ    exp_done
	TAILMASK
	VMOVDQU32.Z (SI), K1, Z0
	EXPCALC
	VMOVDQU32   Z6, K1, (DI)

exp_done:
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
	SHIFTSETUP

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

// LERPCALC: Z8 = a, Z0 = b, Z9 = mu (int64 lanes) → Z0 = a + round((b-a)·mu).
#define LERPCALC \
	VPSUBQ  Z8, Z0, Z0; \
	VPMULDQ Z9, Z0, Z0; \
	ROUND64;            \
	VPADDQ  Z8, Z0, Z0

// func lerpAVX512(dst, a, b *int16, mu *uint16, n int, shift, mask, half int64)
TEXT ·lerpAVX512(SB), NOSPLIT, $0-64
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         b+16(FP), DX
	MOVQ         mu+24(FP), BX
	MOVQ         n+32(FP), CX
	VMOVQ        shift+40(FP), X21
	VPBROADCASTQ mask+48(FP), Z22
	VPBROADCASTQ half+56(FP), Z23

lerp_loop:
	CMPQ      CX, $8
	JLT       lerp_tail
	VPMOVSXWQ (SI), Z8
	VPMOVSXWQ (DX), Z0
	VPMOVZXWQ (BX), Z9
	LERPCALC
	VPMOVQW   Z0, (DI)
	ADDQ      $16, SI
	ADDQ      $16, DX
	ADDQ      $16, BX
	ADDQ      $16, DI
	SUBQ      $8, CX
	JMP       lerp_loop

lerp_tail:
	TESTQ CX, CX
	JZ    lerp_done
	TAILMASK
	VPMOVSXWQ.Z (SI), K1, Z8
	VPMOVSXWQ.Z (DX), K1, Z0
	VPMOVZXWQ.Z (BX), K1, Z9
	LERPCALC
	VPMOVQW     Z0, K1, (DI)

lerp_done:
	VZEROUPPER
	RET
