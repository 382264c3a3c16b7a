//go:build !purego

#include "textflag.h"

// int16 matrix-vector products. All sums are int32 with wrap-around:
// VPDPWSSD, VPMADDWD (whose only overflow, 2·(-32768)², wraps to 0x80000000
// = the int32 wrap of 2^31) and VPADDD/VPHADDD all compute modulo 2^32, so
// every summation order equals the Go reference.

// HSUM16 reduces the 16 int32 lanes of z (aliases y, x) into lanes 0..3 of x.
#define HSUM16(z, y, x, ty, tx) \
	VEXTRACTI64X4 $1, z, ty; \
	VPADDD        ty, y, y;  \
	VEXTRACTI128  $1, y, tx; \
	VPADDD        tx, x, x

// HSUM8 reduces the 8 int32 lanes of y (alias x) into lanes 0..3 of x.
#define HSUM8(y, x, tx) \
	VEXTRACTI128 $1, y, tx; \
	VPADDD       tx, x, x

// FIN4 leaves in X0 the four totals of X0..X3 (each the sum of its 4 lanes).
#define FIN4 \
	VPHADDD X1, X0, X0; \
	VPHADDD X3, X2, X2; \
	VPHADDD X2, X0, X0

// FIN1 leaves in lane 0 of X0 the sum of its 4 lanes.
#define FIN1 \
	VPHADDD X0, X0, X0; \
	VPHADDD X0, X0, X0

// REDUCE8 leaves in Y0 the totals of the 16 int32 lanes of each of Z0..Z7
// (row i in dword i), by a transposing tree of 512-bit shuffles and adds.
#define REDUCE8 \
	VSHUFI64X2  $0x44, Z1, Z0, Z8; \
	VSHUFI64X2  $0xEE, Z1, Z0, Z9; \
	VPADDD      Z9, Z8, Z0;        \
	VSHUFI64X2  $0x44, Z3, Z2, Z8; \
	VSHUFI64X2  $0xEE, Z3, Z2, Z9; \
	VPADDD      Z9, Z8, Z2;        \
	VSHUFI64X2  $0x44, Z5, Z4, Z8; \
	VSHUFI64X2  $0xEE, Z5, Z4, Z9; \
	VPADDD      Z9, Z8, Z4;        \
	VSHUFI64X2  $0x44, Z7, Z6, Z8; \
	VSHUFI64X2  $0xEE, Z7, Z6, Z9; \
	VPADDD      Z9, Z8, Z6;        \
	VSHUFI64X2  $0x88, Z2, Z0, Z8; \
	VSHUFI64X2  $0xDD, Z2, Z0, Z9; \
	VPADDD      Z9, Z8, Z0;        \
	VSHUFI64X2  $0x88, Z6, Z4, Z8; \
	VSHUFI64X2  $0xDD, Z6, Z4, Z9; \
	VPADDD      Z9, Z8, Z4;        \
	VPUNPCKLQDQ Z4, Z0, Z8;        \
	VPUNPCKHQDQ Z4, Z0, Z9;        \
	VPADDD      Z9, Z8, Z0;        \
	VPSHUFD     $0xB1, Z0, Z8;     \
	VPADDD      Z8, Z0, Z0;        \
	VPMOVZXBD   reduce8idx<>(SB), Z8; \
	VPERMD      Z0, Z8, Z0

// Dword indices of the row totals after the tree (lane i holds rows i, i+4).
DATA reduce8idx<>+0(SB)/8, $0x0e0a06020c080400
DATA reduce8idx<>+8(SB)/8, $0
GLOBL reduce8idx<>(SB), RODATA|NOPTR, $16

// func matVecS16VNNIAsm(y *int32, w *int16, x *int16, rows, cols int)
TEXT ·matVecS16VNNIAsm(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DX
	MOVQ rows+24(FP), BX
	MOVQ cols+32(FP), R8
	MOVQ R8, CX
	ANDQ $31, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVD AX, K1                 // mask of the tail words (0: no tail)
	ADDQ R8, R8                  // row stride in bytes
	MOVQ R8, R9
	ANDQ $-64, R9                // bytes in whole 64-byte chunks
	LEAQ -128(R9), AX
	LEAQ (R8)(R8*2), R10

mvw_rows8:
	CMPQ BX, $8
	JLT  mvw_rows4
	MOVQ SI, R12
	LEAQ (SI)(R8*4), R13
	MOVQ DX, R14
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	MOVQ   R9, CX
	TESTQ  CX, CX
	JZ     mvw_tail8

mvw_loop8:
	VMOVDQU16 (R14), Z16
	VPDPWSSD (R12), Z16, Z0
	VPDPWSSD (R12)(R8*1), Z16, Z1
	VPDPWSSD (R12)(R8*2), Z16, Z2
	VPDPWSSD (R12)(R10*1), Z16, Z3
	VPDPWSSD (R13), Z16, Z4
	VPDPWSSD (R13)(R8*1), Z16, Z5
	VPDPWSSD (R13)(R8*2), Z16, Z6
	VPDPWSSD (R13)(R10*1), Z16, Z7
	ADDQ $64, R12
	ADDQ $64, R13
	ADDQ $64, R14
	SUBQ $64, CX
	JNZ  mvw_loop8

mvw_tail8:
	KORTESTD K1, K1
	JZ       mvw_red8
	VMOVDQU16.Z (R14), K1, Z16
	VMOVDQU16.Z (R12), K1, Z17
	VPDPWSSD    Z17, Z16, Z0
	VMOVDQU16.Z (R12)(R8*1), K1, Z18
	VPDPWSSD    Z18, Z16, Z1
	VMOVDQU16.Z (R12)(R8*2), K1, Z19
	VPDPWSSD    Z19, Z16, Z2
	VMOVDQU16.Z (R12)(R10*1), K1, Z20
	VPDPWSSD    Z20, Z16, Z3
	VMOVDQU16.Z (R13), K1, Z21
	VPDPWSSD    Z21, Z16, Z4
	VMOVDQU16.Z (R13)(R8*1), K1, Z22
	VPDPWSSD    Z22, Z16, Z5
	VMOVDQU16.Z (R13)(R8*2), K1, Z23
	VPDPWSSD    Z23, Z16, Z6
	VMOVDQU16.Z (R13)(R10*1), K1, Z24
	VPDPWSSD    Z24, Z16, Z7

mvw_red8:
	REDUCE8
	VMOVDQU Y0, (DI)
	ADDQ    $32, DI
	LEAQ    (SI)(R8*8), SI
	SUBQ    $8, BX
	JMP     mvw_rows8

mvw_rows4:
	CMPQ BX, $4
	JLT  mvw_row1
	LEAQ (SI)(R8*1), R11
	LEAQ (SI)(R8*2), R12
	LEAQ (SI)(R10*1), R13
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	XORQ CX, CX

mvw_loop4:
	CMPQ CX, AX
	JGT  mvw_one4
	VMOVDQU16 (DX)(CX*1), Z16
	VMOVDQU16 64(DX)(CX*1), Z17
	VPDPWSSD (SI)(CX*1), Z16, Z0
	VPDPWSSD (R11)(CX*1), Z16, Z1
	VPDPWSSD (R12)(CX*1), Z16, Z2
	VPDPWSSD (R13)(CX*1), Z16, Z3
	VPDPWSSD 64(SI)(CX*1), Z17, Z4
	VPDPWSSD 64(R11)(CX*1), Z17, Z5
	VPDPWSSD 64(R12)(CX*1), Z17, Z6
	VPDPWSSD 64(R13)(CX*1), Z17, Z7
	ADDQ $128, CX
	JMP  mvw_loop4

mvw_one4:
	CMPQ CX, R9
	JGE  mvw_tail4
	VMOVDQU16 (DX)(CX*1), Z16
	VPDPWSSD (SI)(CX*1), Z16, Z0
	VPDPWSSD (R11)(CX*1), Z16, Z1
	VPDPWSSD (R12)(CX*1), Z16, Z2
	VPDPWSSD (R13)(CX*1), Z16, Z3
	ADDQ $64, CX

mvw_tail4:
	KORTESTD K1, K1
	JZ       mvw_red4
	VMOVDQU16.Z (DX)(CX*1), K1, Z16
	VMOVDQU16.Z (SI)(CX*1), K1, Z17
	VPDPWSSD    Z17, Z16, Z0
	VMOVDQU16.Z (R11)(CX*1), K1, Z18
	VPDPWSSD    Z18, Z16, Z1
	VMOVDQU16.Z (R12)(CX*1), K1, Z19
	VPDPWSSD    Z19, Z16, Z2
	VMOVDQU16.Z (R13)(CX*1), K1, Z20
	VPDPWSSD    Z20, Z16, Z3

mvw_red4:
	VPADDD Z4, Z0, Z0
	VPADDD Z5, Z1, Z1
	VPADDD Z6, Z2, Z2
	VPADDD Z7, Z3, Z3
	HSUM16(Z0, Y0, X0, Y8, X8)
	HSUM16(Z1, Y1, X1, Y9, X9)
	HSUM16(Z2, Y2, X2, Y10, X10)
	HSUM16(Z3, Y3, X3, Y11, X11)
	FIN4
	VMOVDQU X0, (DI)
	ADDQ    $16, DI
	LEAQ    (SI)(R8*4), SI
	SUBQ    $4, BX
	JMP     mvw_rows4

mvw_row1:
	TESTQ BX, BX
	JZ    mvw_done
	VPXORD Z0, Z0, Z0
	VPXORD Z4, Z4, Z4
	XORQ   CX, CX

mvw_loop1:
	CMPQ CX, AX
	JGT  mvw_one1
	VMOVDQU16 (DX)(CX*1), Z16
	VMOVDQU16 64(DX)(CX*1), Z17
	VPDPWSSD  (SI)(CX*1), Z16, Z0
	VPDPWSSD  64(SI)(CX*1), Z17, Z4
	ADDQ      $128, CX
	JMP       mvw_loop1

mvw_one1:
	CMPQ CX, R9
	JGE  mvw_tail1
	VMOVDQU16 (DX)(CX*1), Z16
	VPDPWSSD  (SI)(CX*1), Z16, Z0
	ADDQ      $64, CX

mvw_tail1:
	KORTESTD K1, K1
	JZ       mvw_red1
	VMOVDQU16.Z (DX)(CX*1), K1, Z16
	VMOVDQU16.Z (SI)(CX*1), K1, Z17
	VPDPWSSD    Z17, Z16, Z0

mvw_red1:
	VPADDD Z4, Z0, Z0
	HSUM16(Z0, Y0, X0, Y8, X8)
	FIN1
	VMOVD X0, (DI)
	ADDQ  $4, DI
	ADDQ  R8, SI
	DECQ  BX
	JMP   mvw_row1

mvw_done:
	VZEROUPPER
	RET

#define ROWW(wr, t, acc) \
	VPMADDWD (wr)(CX*1), Y8, t; \
	VPADDD   t, acc, acc

// func matVecS16AVX2Asm(y *int32, w *int16, x *int16, rows, stride, n int)
TEXT ·matVecS16AVX2Asm(SB), NOSPLIT, $0-48
	MOVQ y+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DX
	MOVQ rows+24(FP), BX
	MOVQ stride+32(FP), R8
	MOVQ n+40(FP), R9
	ADDQ R8, R8                  // bytes
	ADDQ R9, R9
	LEAQ (R8)(R8*2), R10

avw_rows4:
	CMPQ BX, $4
	JLT  avw_row1
	LEAQ (SI)(R8*1), R11
	LEAQ (SI)(R8*2), R12
	LEAQ (SI)(R10*1), R13
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	XORQ  CX, CX

avw_loop4:
	VMOVDQU (DX)(CX*1), Y8
	ROWW(SI, Y9, Y0)
	ROWW(R11, Y10, Y1)
	ROWW(R12, Y11, Y2)
	ROWW(R13, Y12, Y3)
	ADDQ $32, CX
	CMPQ CX, R9
	JLT  avw_loop4
	HSUM8(Y0, X0, X8)
	HSUM8(Y1, X1, X9)
	HSUM8(Y2, X2, X10)
	HSUM8(Y3, X3, X11)
	FIN4
	VMOVDQU X0, (DI)
	ADDQ    $16, DI
	LEAQ    (SI)(R8*4), SI
	SUBQ    $4, BX
	JMP     avw_rows4

avw_row1:
	TESTQ BX, BX
	JZ    avw_done
	VPXOR Y0, Y0, Y0
	XORQ  CX, CX

avw_loop1:
	VMOVDQU (DX)(CX*1), Y8
	ROWW(SI, Y9, Y0)
	ADDQ $32, CX
	CMPQ CX, R9
	JLT  avw_loop1
	HSUM8(Y0, X0, X8)
	FIN1
	VMOVD X0, (DI)
	ADDQ  $4, DI
	ADDQ  R8, SI
	DECQ  BX
	JMP   avw_row1

avw_done:
	VZEROUPPER
	RET
