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

// func shapeAVX2(dst *int32, tab *[256]int32, n int, acc, step, tail int32)
// (n%8 == 0, n >= 8): shapeAVX512 8 lanes at a time, the gather's mask
// set before each VPGATHERDD (which clears it).
TEXT ·shapeAVX2(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         tab+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVL         acc+24(FP), AX
	VMOVD        AX, X0
	VPBROADCASTD X0, Y0
	MOVL         step+28(FP), AX
	VMOVD        AX, X1
	VPBROADCASTD X1, Y1
	MOVL         tail+32(FP), AX
	VMOVD        AX, X2
	VPBROADCASTD X2, Y2
	MOVL         $128, AX
	VMOVD        AX, X5
	VPBROADCASTD X5, Y5
	VPXOR        Y6, Y6, Y6
	MOVL         $255, AX
	VMOVD        AX, X7
	VPBROADCASTD X7, Y7
	// Y0 = acc + lane·step, Y3 = 8·step
	MOVQ         $0x0706050403020100, AX
	VMOVQ        AX, X4
	VPMOVZXBD    X4, Y4
	VPMULLD      Y1, Y4, Y4
	VPADDD       Y4, Y0, Y0
	VPSLLD       $3, Y1, Y3

shape2_loop:
	VPSRAD     $16, Y0, Y8
	VPADDD     Y5, Y8, Y8
	VPMAXSD    Y6, Y8, Y9
	VPMINSD    Y7, Y9, Y9
	VPSUBD     Y9, Y8, Y8
	VPABSD     Y8, Y8
	VPMULLD    Y2, Y8, Y8
	VPCMPEQD   Y11, Y11, Y11
	VPXOR      Y10, Y10, Y10
	VPGATHERDD Y11, (SI)(Y9*4), Y10
	VPSUBD     Y8, Y10, Y10
	VMOVDQU    Y10, (DI)
	VPADDD     Y3, Y0, Y0
	ADDQ       $32, DI
	SUBQ       $8, CX
	JNZ        shape2_loop
	VZEROUPPER
	RET
