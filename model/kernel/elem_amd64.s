//go:build !purego

#include "textflag.h"

// Gate and Sigmoid with AVX-512 and AVX2. Each computes exactly the generic
// Go formula (elem_generic.go) for every input.

// TAILMASK sets K1 to the low CX bits.
#define TAILMASK \
	MOVQ  $1, AX;  \
	SHLQ  CX, AX;  \
	DECQ  AX;      \
	KMOVW AX, K1

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

// ---- AVX2 versions: 16 elements per step (two YMM of 8 int32), n%16 == 0;
// the caller does the tail in Go ----

// PACKW16 stores the 16 int32 of Y4 (elements 0-7) and Y5 (8-15) as int16
// with signed saturation.
#define PACKW16 \
	VPACKSSDW Y5, Y4, Y4;     \
	VPERMQ    $0xD8, Y4, Y4;  \
	VMOVDQU   Y4, (DI)

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
