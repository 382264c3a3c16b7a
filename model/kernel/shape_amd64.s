//go:build !purego

#include "textflag.h"

// ShapeLogits with AVX-512 (see shape_amd64.go).

// SHAPECALC: Z0 = the lanes' a → Z10 = tab[c] - |b - c|·tail.
// Z2 = tail, Z5 = 128, Z6 = 0, Z7 = 255, SI = tab.
#define SHAPECALC \
	VPSRAD     $16, Z0, Z8;          \
	VPADDD     Z5, Z8, Z8;           \
	VPMAXSD    Z6, Z8, Z9;           \
	VPMINSD    Z7, Z9, Z9;           \
	VPSUBD     Z9, Z8, Z8;           \
	VPABSD     Z8, Z8;               \
	VPMULLD    Z2, Z8, Z8;           \
	KXNORW     K2, K2, K2;           \
	VPXORD     Z10, Z10, Z10;        \
	VPGATHERDD (SI)(Z9*4), K2, Z10;  \
	VPSUBD     Z8, Z10, Z10

// func shapeAVX512(dst *int32, tab *[256]int32, n int, acc, step, tail int32)
TEXT ·shapeAVX512(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         tab+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVL         acc+24(FP), AX
	VPBROADCASTD AX, Z0
	MOVL         step+28(FP), AX
	VPBROADCASTD AX, Z1
	MOVL         tail+32(FP), AX
	VPBROADCASTD AX, Z2
	MOVL         $128, AX
	VPBROADCASTD AX, Z5
	VPXORD       Z6, Z6, Z6
	MOVL         $255, AX
	VPBROADCASTD AX, Z7
	// Z0 = acc + lane·step, Z3 = 16·step
	MOVQ         $0x0706050403020100, AX
	VMOVQ        AX, X4
	MOVQ         $0x0f0e0d0c0b0a0908, AX
	VPINSRQ      $1, AX, X4, X4
	VPMOVZXBD    X4, Z4
	VPMULLD      Z1, Z4, Z4
	VPADDD       Z4, Z0, Z0
	VPSLLD       $4, Z1, Z3

shape_loop:
	CMPQ      CX, $16
	JLT       shape_tail
	SHAPECALC
	VMOVDQU32 Z10, (DI)
	VPADDD    Z3, Z0, Z0
	ADDQ      $64, DI
	SUBQ      $16, CX
	JMP       shape_loop

shape_tail:
	TESTQ     CX, CX
	JZ        shape_done
	MOVL      $1, AX
	SHLL      CX, AX
	DECL      AX
	KMOVW     AX, K1
	SHAPECALC
	VMOVDQU32 Z10, K1, (DI)

shape_done:
	VZEROUPPER
	RET
