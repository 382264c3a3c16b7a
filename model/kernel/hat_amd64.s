//go:build !purego

#include "textflag.h"
#include "lanes_amd64.h"

// HatAdd and HatDot with AVX-512 (see hat_amd64.go).

// HATE: Z0 = the lanes' values v → Z1 = e(v), K2 = (e > 0) & K1.
// Z28 = p, Z27 = invH, Z26 = 65536, Z25 = 0.
#define HATE \
	VPSLLQ  $4, Z0, Z1;         \
	VPSUBQ  Z28, Z1, Z1;        \
	VPABSQ  Z1, Z1;             \
	VPMULLQ Z27, Z1, Z1;        \
	VPSRAQ  $16, Z1, Z1;        \
	VPSUBQ  Z1, Z26, Z1;        \
	VPCMPQ  $6, Z25, Z1, K1, K2

// func hatAddAVX512(delta *int64, n int, v0, p, invH, bk int64)
TEXT ·hatAddAVX512(SB), NOSPLIT, $0-48
	MOVQ         delta+0(FP), DI
	MOVQ         n+8(FP), CX
	VPBROADCASTQ v0+16(FP), Z0
	VPBROADCASTQ p+24(FP), Z28
	VPBROADCASTQ invH+32(FP), Z27
	VPBROADCASTQ bk+40(FP), Z24
	MOVQ         $65536, AX
	VPBROADCASTQ AX, Z26
	VPXORQ       Z25, Z25, Z25
	MOVQ         $8, AX
	VPBROADCASTQ AX, Z23
	// Z0 = v0 + lane index
	MOVQ         $0x0706050403020100, AX
	VMOVQ        AX, X2
	VPMOVZXBQ    X2, Z2
	VPADDQ       Z2, Z0, Z0
	KXNORB       K1, K1, K1

hadd_loop:
	CMPQ      CX, $8
	JLT       hadd_tail
	HATE
	VPMULLQ   Z24, Z1, Z1
	VPSRAQ    $16, Z1, Z1
	VMOVDQU64 (DI), Z3
	VPADDQ    Z1, Z3, K2, Z3
	VMOVDQU64 Z3, (DI)
	VPADDQ    Z23, Z0, Z0
	ADDQ      $64, DI
	SUBQ      $8, CX
	JMP       hadd_loop

hadd_tail:
	TESTQ       CX, CX
	JZ          hadd_done
	LANEMASK
	HATE
	VPMULLQ     Z24, Z1, Z1
	VPSRAQ      $16, Z1, Z1
	VMOVDQU64.Z (DI), K1, Z3
	VPADDQ      Z1, Z3, K2, Z3
	VMOVDQU64   Z3, K1, (DI)

hadd_done:
	VZEROUPPER
	RET

// func hatDotAVX512(dz *int64, n int, v0, p, invH int64) int64
TEXT ·hatDotAVX512(SB), NOSPLIT, $0-48
	MOVQ         dz+0(FP), SI
	MOVQ         n+8(FP), CX
	VPBROADCASTQ v0+16(FP), Z0
	VPBROADCASTQ p+24(FP), Z28
	VPBROADCASTQ invH+32(FP), Z27
	MOVQ         $65536, AX
	VPBROADCASTQ AX, Z26
	VPXORQ       Z25, Z25, Z25
	VPXORQ       Z4, Z4, Z4
	MOVQ         $8, AX
	VPBROADCASTQ AX, Z23
	MOVQ         $0x0706050403020100, AX
	VMOVQ        AX, X2
	VPMOVZXBQ    X2, Z2
	VPADDQ       Z2, Z0, Z0
	KXNORB       K1, K1, K1

hdot_loop:
	CMPQ      CX, $8
	JLT       hdot_tail
	HATE
	VPMULLQ   (SI), Z1, Z1
	VPSRAQ    $16, Z1, Z1
	VPADDQ    Z1, Z4, K2, Z4
	VPADDQ    Z23, Z0, Z0
	ADDQ      $64, SI
	SUBQ      $8, CX
	JMP       hdot_loop

hdot_tail:
	TESTQ       CX, CX
	JZ          hdot_sum
	LANEMASK
	HATE
	VMOVDQU64.Z (SI), K1, Z3
	VPMULLQ     Z3, Z1, Z1
	VPSRAQ      $16, Z1, Z1
	VPADDQ      Z1, Z4, K2, Z4

hdot_sum:
	VEXTRACTI64X4 $1, Z4, Y5
	VPADDQ        Y5, Y4, Y4
	VEXTRACTI128  $1, Y4, X5
	VPADDQ        X5, X4, X4
	VPSHUFD       $0x4e, X4, X5
	VPADDQ        X5, X4, X4
	VMOVQ         X4, AX
	MOVQ          AX, ret+40(FP)
	VZEROUPPER
	RET

// GRIDCALC: Z0 = the lanes' a (int64), K1 the lanes to do → Z5 = cell,
// Z6 = frac, Z7 = delta. Z20 = rj·2^16, Z21 = 2·rj·2^16, Z25 = 0,
// Z22 = 0xffff, SI = o.
#define GRIDCALC \
	VPSRAQ      $23, Z0, Z5;            \
	VPADDQ      Z20, Z5, Z5;            \
	VPMAXSQ     Z25, Z5, Z5;            \
	VPMINSQ     Z21, Z5, Z5;            \
	VPANDQ      Z22, Z5, Z6;            \
	VPSRLQ      $16, Z5, Z5;            \
	KMOVB       K1, K3;                 \
	VPXORD      Y8, Y8, Y8;             \
	VPGATHERQD  (SI)(Z5*4), K3, Y8;     \
	KMOVB       K1, K4;                 \
	VPXORD      Y9, Y9, Y9;             \
	VPGATHERQD  4(SI)(Z5*4), K4, Y9;    \
	VPMOVSXDQ   Y8, Z8;                 \
	VPMOVSXDQ   Y9, Z9;                 \
	VPSUBQ      Z8, Z9, Z9;             \
	VPMULLQ     Z6, Z9, Z9;             \
	VPSRAQ      $16, Z9, Z9;            \
	VPADDQ      Z8, Z9, Z7

// func gridAVX512(delta *int64, cell *uint8, frac *int32, o *int32, n int, acc, step, rj int64)
TEXT ·gridAVX512(SB), NOSPLIT, $0-64
	MOVQ         delta+0(FP), DI
	MOVQ         cell+8(FP), R8
	MOVQ         frac+16(FP), R9
	MOVQ         o+24(FP), SI
	MOVQ         n+32(FP), CX
	VPBROADCASTQ acc+40(FP), Z0
	VPBROADCASTQ step+48(FP), Z1
	MOVQ         rj+56(FP), AX
	SHLQ         $16, AX
	VPBROADCASTQ AX, Z20
	VPADDQ       Z20, Z20, Z21
	VPXORQ       Z25, Z25, Z25
	MOVQ         $0xffff, AX
	VPBROADCASTQ AX, Z22
	// Z0 = acc + lane·step, Z2 = 8·step
	MOVQ         $0x0706050403020100, AX
	VMOVQ        AX, X2
	VPMOVZXBQ    X2, Z2
	VPMULLQ      Z1, Z2, Z2
	VPADDQ       Z2, Z0, Z0
	VPSLLQ       $3, Z1, Z2
	KXNORB       K1, K1, K1

grid_loop:
	CMPQ      CX, $8
	JLT       grid_tail
	GRIDCALC
	VMOVDQU64 Z7, (DI)
	VPMOVQB   Z5, (R8)
	VPMOVQD   Z6, (R9)
	VPADDQ    Z2, Z0, Z0
	ADDQ      $64, DI
	ADDQ      $8, R8
	ADDQ      $32, R9
	SUBQ      $8, CX
	JMP       grid_loop

grid_tail:
	TESTQ     CX, CX
	JZ        grid_done
	LANEMASK
	GRIDCALC
	VMOVDQU64 Z7, K1, (DI)
	VPMOVQB   Z5, K1, (R8)
	VPMOVQD   Z6, K1, (R9)

grid_done:
	VZEROUPPER
	RET
