//go:build !purego

#include "textflag.h"

// Integer kernels. All sums are int32 with wrap-around: VPDPBUSD (no
// saturation: the S variant saturates), VPDPWSSD, VPMADDWD (whose only
// overflow, 2·(-32768)², wraps to 0x80000000 = the int32 wrap of 2^31) and
// VPADDD/VPHADDD all compute modulo 2^32, so every summation order equals the
// Go reference.

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

// func matVecU8S8VNNIAsm(y *int32, w *int8, x *uint8, rows, cols int)
TEXT ·matVecU8S8VNNIAsm(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DX
	MOVQ rows+24(FP), BX
	MOVQ cols+32(FP), R8
	MOVQ R8, R9
	ANDQ $-64, R9                // bytes in whole 64-byte chunks
	MOVQ R8, CX
	ANDQ $63, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVQ AX, K1                 // mask of the tail bytes (0: no tail)
	LEAQ -128(R9), AX            // last start of a double chunk
	LEAQ (R8)(R8*2), R10         // 3*cols

mvb_rows8:
	CMPQ BX, $8
	JLT  mvb_rows4
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
	JZ     mvb_tail8

mvb_loop8:
	VMOVDQU8 (R14), Z16
	VPDPBUSD (R12), Z16, Z0
	VPDPBUSD (R12)(R8*1), Z16, Z1
	VPDPBUSD (R12)(R8*2), Z16, Z2
	VPDPBUSD (R12)(R10*1), Z16, Z3
	VPDPBUSD (R13), Z16, Z4
	VPDPBUSD (R13)(R8*1), Z16, Z5
	VPDPBUSD (R13)(R8*2), Z16, Z6
	VPDPBUSD (R13)(R10*1), Z16, Z7
	ADDQ $64, R12
	ADDQ $64, R13
	ADDQ $64, R14
	SUBQ $64, CX
	JNZ  mvb_loop8

mvb_tail8:
	KORTESTQ K1, K1
	JZ       mvb_red8
	VMOVDQU8.Z (R14), K1, Z16
	VMOVDQU8.Z (R12), K1, Z17
	VPDPBUSD    Z17, Z16, Z0
	VMOVDQU8.Z (R12)(R8*1), K1, Z18
	VPDPBUSD    Z18, Z16, Z1
	VMOVDQU8.Z (R12)(R8*2), K1, Z19
	VPDPBUSD    Z19, Z16, Z2
	VMOVDQU8.Z (R12)(R10*1), K1, Z20
	VPDPBUSD    Z20, Z16, Z3
	VMOVDQU8.Z (R13), K1, Z21
	VPDPBUSD    Z21, Z16, Z4
	VMOVDQU8.Z (R13)(R8*1), K1, Z22
	VPDPBUSD    Z22, Z16, Z5
	VMOVDQU8.Z (R13)(R8*2), K1, Z23
	VPDPBUSD    Z23, Z16, Z6
	VMOVDQU8.Z (R13)(R10*1), K1, Z24
	VPDPBUSD    Z24, Z16, Z7

mvb_red8:
	REDUCE8
	VMOVDQU Y0, (DI)
	ADDQ    $32, DI
	LEAQ    (SI)(R8*8), SI
	SUBQ    $8, BX
	JMP     mvb_rows8

mvb_rows4:
	CMPQ BX, $4
	JLT  mvb_row1
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

mvb_loop4:
	CMPQ CX, AX
	JGT  mvb_one4
	VMOVDQU8 (DX)(CX*1), Z16
	VMOVDQU8 64(DX)(CX*1), Z17
	VPDPBUSD (SI)(CX*1), Z16, Z0
	VPDPBUSD (R11)(CX*1), Z16, Z1
	VPDPBUSD (R12)(CX*1), Z16, Z2
	VPDPBUSD (R13)(CX*1), Z16, Z3
	VPDPBUSD 64(SI)(CX*1), Z17, Z4
	VPDPBUSD 64(R11)(CX*1), Z17, Z5
	VPDPBUSD 64(R12)(CX*1), Z17, Z6
	VPDPBUSD 64(R13)(CX*1), Z17, Z7
	ADDQ $128, CX
	JMP  mvb_loop4

mvb_one4:
	CMPQ CX, R9
	JGE  mvb_tail4
	VMOVDQU8 (DX)(CX*1), Z16
	VPDPBUSD (SI)(CX*1), Z16, Z0
	VPDPBUSD (R11)(CX*1), Z16, Z1
	VPDPBUSD (R12)(CX*1), Z16, Z2
	VPDPBUSD (R13)(CX*1), Z16, Z3
	ADDQ $64, CX

mvb_tail4:
	KORTESTQ K1, K1
	JZ       mvb_red4
	VMOVDQU8.Z (DX)(CX*1), K1, Z16
	VMOVDQU8.Z (SI)(CX*1), K1, Z17
	VPDPBUSD   Z17, Z16, Z0
	VMOVDQU8.Z (R11)(CX*1), K1, Z18
	VPDPBUSD   Z18, Z16, Z1
	VMOVDQU8.Z (R12)(CX*1), K1, Z19
	VPDPBUSD   Z19, Z16, Z2
	VMOVDQU8.Z (R13)(CX*1), K1, Z20
	VPDPBUSD   Z20, Z16, Z3

mvb_red4:
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
	JMP     mvb_rows4

mvb_row1:
	TESTQ BX, BX
	JZ    mvb_done
	VPXORD Z0, Z0, Z0
	VPXORD Z4, Z4, Z4
	XORQ   CX, CX

mvb_loop1:
	CMPQ CX, AX
	JGT  mvb_one1
	VMOVDQU8 (DX)(CX*1), Z16
	VMOVDQU8 64(DX)(CX*1), Z17
	VPDPBUSD (SI)(CX*1), Z16, Z0
	VPDPBUSD 64(SI)(CX*1), Z17, Z4
	ADDQ     $128, CX
	JMP      mvb_loop1

mvb_one1:
	CMPQ CX, R9
	JGE  mvb_tail1
	VMOVDQU8 (DX)(CX*1), Z16
	VPDPBUSD (SI)(CX*1), Z16, Z0
	ADDQ     $64, CX

mvb_tail1:
	KORTESTQ K1, K1
	JZ       mvb_red1
	VMOVDQU8.Z (DX)(CX*1), K1, Z16
	VMOVDQU8.Z (SI)(CX*1), K1, Z17
	VPDPBUSD   Z17, Z16, Z0

mvb_red1:
	VPADDD Z4, Z0, Z0
	HSUM16(Z0, Y0, X0, Y8, X8)
	FIN1
	VMOVD X0, (DI)
	ADDQ  $4, DI
	ADDQ  R8, SI
	DECQ  BX
	JMP   mvb_row1

mvb_done:
	VZEROUPPER
	RET

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

// AVX2 u8×s8, exact for all inputs. VPMADDUBSW saturates its int16 pair
// sums (255·127·2 > 32767), so x is split as x = xl + 128·xh with
// xl = x&127 and xh = x>>7 in {0,1}: pairs xl·w stay within ±32512 and are
// widened at once (VPMADDWD by 1); pairs xh·w lie in [-256, 254] and are
// summed as int16 over at most 128 steps (|sum| <= 32768, exact), then
// multiplied by 128 and widened (VPMADDWD by 128).
// Constants: Y12 = 1 (words), Y13 = 128 (words), Y14 = 0x7f, Y15 = 0x01 (bytes).
#define SPLITCONST \
	MOVL         $0x00010001, AX; \
	VMOVD        AX, X12;         \
	VPBROADCASTD X12, Y12;        \
	MOVL         $0x00800080, AX; \
	VMOVD        AX, X13;         \
	VPBROADCASTD X13, Y13;        \
	MOVL         $0x7f7f7f7f, AX; \
	VMOVD        AX, X14;         \
	VPBROADCASTD X14, Y14;        \
	MOVL         $0x01010101, AX; \
	VMOVD        AX, X15;         \
	VPBROADCASTD X15, Y15

// SPLITX splits the bytes in Y8 into xl (Y8) and xh (Y9).
#define SPLITX \
	VPSRLW $7, Y8, Y9;  \
	VPAND  Y15, Y9, Y9; \
	VPAND  Y14, Y8, Y8

#define ROWSPLIT(wr, acc, acch) \
	VMOVDQU    (wr)(CX*1), Y10; \
	VPMADDUBSW Y10, Y9, Y11;    \
	VPMADDUBSW Y10, Y8, Y10;    \
	VPMADDWD   Y12, Y10, Y10;   \
	VPADDD     Y10, acc, acc;   \
	VPADDW     Y11, acch, acch

#define FLUSH(acch, acc) \
	VPMADDWD Y13, acch, acch; \
	VPADDD   acch, acc, acc

// func matVecU8S8AVX2Asm(y *int32, w *int8, x *uint8, rows, stride, n int)
// n%32 == 0, n >= 32.
TEXT ·matVecU8S8AVX2Asm(SB), NOSPLIT, $0-48
	MOVQ y+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DX
	MOVQ rows+24(FP), BX
	MOVQ stride+32(FP), R8
	MOVQ n+40(FP), R9
	LEAQ (R8)(R8*2), R10
	SPLITCONST

avb_rows4:
	CMPQ BX, $4
	JLT  avb_row1
	LEAQ (SI)(R8*1), R11
	LEAQ (SI)(R8*2), R12
	LEAQ (SI)(R10*1), R13
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	XORQ  CX, CX

avb_block4:
	LEAQ    4096(CX), AX          // at most 128 chunks of 32 bytes
	CMPQ    AX, R9
	CMOVQGT R9, AX
	VPXOR   Y4, Y4, Y4
	VPXOR   Y5, Y5, Y5
	VPXOR   Y6, Y6, Y6
	VPXOR   Y7, Y7, Y7

avb_loop4:
	VMOVDQU (DX)(CX*1), Y8
	SPLITX
	ROWSPLIT(SI, Y0, Y4)
	ROWSPLIT(R11, Y1, Y5)
	ROWSPLIT(R12, Y2, Y6)
	ROWSPLIT(R13, Y3, Y7)
	ADDQ $32, CX
	CMPQ CX, AX
	JLT  avb_loop4
	FLUSH(Y4, Y0)
	FLUSH(Y5, Y1)
	FLUSH(Y6, Y2)
	FLUSH(Y7, Y3)
	CMPQ CX, R9
	JLT  avb_block4
	HSUM8(Y0, X0, X8)
	HSUM8(Y1, X1, X9)
	HSUM8(Y2, X2, X10)
	HSUM8(Y3, X3, X11)
	FIN4
	VMOVDQU X0, (DI)
	ADDQ    $16, DI
	LEAQ    (SI)(R8*4), SI
	SUBQ    $4, BX
	JMP     avb_rows4

avb_row1:
	TESTQ BX, BX
	JZ    avb_done
	VPXOR Y0, Y0, Y0
	XORQ  CX, CX

avb_block1:
	LEAQ    4096(CX), AX
	CMPQ    AX, R9
	CMOVQGT R9, AX
	VPXOR   Y4, Y4, Y4

avb_loop1:
	VMOVDQU (DX)(CX*1), Y8
	SPLITX
	ROWSPLIT(SI, Y0, Y4)
	ADDQ $32, CX
	CMPQ CX, AX
	JLT  avb_loop1
	FLUSH(Y4, Y0)
	CMPQ CX, R9
	JLT  avb_block1
	HSUM8(Y0, X0, X8)
	FIN1
	VMOVD X0, (DI)
	ADDQ  $4, DI
	ADDQ  R8, SI
	DECQ  BX
	JMP   avb_row1

avb_done:
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

// ---- batched GEMM, VNNI: 8 rows × 32 columns register tile ----
// Z16, Z17: the 32×4 weight bytes of one k-group; per row a broadcast of 4
// input bytes (unsigned operand) and two VPDPBUSD.

#define DPROW(addr, t, a0, a1) \
	VPBROADCASTD addr, t;  \
	VPDPBUSD     Z16, t, a0; \
	VPDPBUSD     Z17, t, a1

// Partial last k-group: load only the K%4 valid input bytes (K1), zeroing
// the rest, so no byte past the row is read.
#define DPROWT(addr, tx, t, a0, a1) \
	VMOVDQU8.Z   addr, K1, tx; \
	VPBROADCASTD tx, t;        \
	VPDPBUSD     Z16, t, a0;   \
	VPDPBUSD     Z17, t, a1

#define STROW(a0, a1) \
	VMOVDQU32 a0, K2, (DI);   \
	VMOVDQU32 a1, K3, 64(DI); \
	ADDQ      R10, DI

#define ZERO2(a, b) \
	VPXORD a, a, a; \
	VPXORD b, b, b

// func gemmPanelVNNI(x *uint8, ldx, rows int, w *int8, full int, tailMask uint64, y *int32, ldy int, colMask uint64)
TEXT ·gemmPanelVNNI(SB), NOSPLIT, $0-72
	MOVQ  x+0(FP), R13
	MOVQ  ldx+8(FP), R8
	MOVQ  rows+16(FP), R12
	MOVQ  w+24(FP), BX
	MOVQ  full+32(FP), AX
	MOVQ  tailMask+40(FP), CX
	KMOVW CX, K1
	MOVQ  y+48(FP), R14
	MOVQ  ldy+56(FP), R10
	SHLQ  $2, R10
	MOVQ  colMask+64(FP), CX
	KMOVW CX, K2
	SHRQ  $16, CX
	KMOVW CX, K3
	LEAQ  (R8)(R8*2), R9

gv_tile8:
	CMPQ R12, $8
	JLT  gv_tile4
	MOVQ R13, SI
	LEAQ (SI)(R8*4), R11
	MOVQ BX, DX
	ZERO2(Z0, Z1)
	ZERO2(Z2, Z3)
	ZERO2(Z4, Z5)
	ZERO2(Z6, Z7)
	ZERO2(Z8, Z9)
	ZERO2(Z10, Z11)
	ZERO2(Z12, Z13)
	ZERO2(Z14, Z15)
	MOVQ  AX, CX
	TESTQ CX, CX
	JZ    gv_tail8

gv_loop8:
	VMOVDQU32 (DX), Z16
	VMOVDQU32 64(DX), Z17
	DPROW((SI), Z18, Z0, Z1)
	DPROW((SI)(R8*1), Z19, Z2, Z3)
	DPROW((SI)(R8*2), Z20, Z4, Z5)
	DPROW((SI)(R9*1), Z21, Z6, Z7)
	DPROW((R11), Z22, Z8, Z9)
	DPROW((R11)(R8*1), Z23, Z10, Z11)
	DPROW((R11)(R8*2), Z24, Z12, Z13)
	DPROW((R11)(R9*1), Z25, Z14, Z15)
	ADDQ $128, DX
	ADDQ $4, SI
	ADDQ $4, R11
	DECQ CX
	JNZ  gv_loop8

gv_tail8:
	KORTESTW K1, K1
	JZ       gv_store8
	VMOVDQU32 (DX), Z16
	VMOVDQU32 64(DX), Z17
	DPROWT((SI), X18, Z18, Z0, Z1)
	DPROWT((SI)(R8*1), X19, Z19, Z2, Z3)
	DPROWT((SI)(R8*2), X20, Z20, Z4, Z5)
	DPROWT((SI)(R9*1), X21, Z21, Z6, Z7)
	DPROWT((R11), X22, Z22, Z8, Z9)
	DPROWT((R11)(R8*1), X23, Z23, Z10, Z11)
	DPROWT((R11)(R8*2), X24, Z24, Z12, Z13)
	DPROWT((R11)(R9*1), X25, Z25, Z14, Z15)

gv_store8:
	MOVQ R14, DI
	STROW(Z0, Z1)
	STROW(Z2, Z3)
	STROW(Z4, Z5)
	STROW(Z6, Z7)
	STROW(Z8, Z9)
	STROW(Z10, Z11)
	STROW(Z12, Z13)
	STROW(Z14, Z15)
	MOVQ DI, R14
	LEAQ (R13)(R8*8), R13
	SUBQ $8, R12
	JMP  gv_tile8

gv_tile4:
	CMPQ R12, $4
	JLT  gv_tile2
	MOVQ R13, SI
	MOVQ BX, DX
	ZERO2(Z0, Z1)
	ZERO2(Z2, Z3)
	ZERO2(Z4, Z5)
	ZERO2(Z6, Z7)
	MOVQ  AX, CX
	TESTQ CX, CX
	JZ    gv_tail4

gv_loop4:
	VMOVDQU32 (DX), Z16
	VMOVDQU32 64(DX), Z17
	DPROW((SI), Z18, Z0, Z1)
	DPROW((SI)(R8*1), Z19, Z2, Z3)
	DPROW((SI)(R8*2), Z20, Z4, Z5)
	DPROW((SI)(R9*1), Z21, Z6, Z7)
	ADDQ $128, DX
	ADDQ $4, SI
	DECQ CX
	JNZ  gv_loop4

gv_tail4:
	KORTESTW K1, K1
	JZ       gv_store4
	VMOVDQU32 (DX), Z16
	VMOVDQU32 64(DX), Z17
	DPROWT((SI), X18, Z18, Z0, Z1)
	DPROWT((SI)(R8*1), X19, Z19, Z2, Z3)
	DPROWT((SI)(R8*2), X20, Z20, Z4, Z5)
	DPROWT((SI)(R9*1), X21, Z21, Z6, Z7)

gv_store4:
	MOVQ R14, DI
	STROW(Z0, Z1)
	STROW(Z2, Z3)
	STROW(Z4, Z5)
	STROW(Z6, Z7)
	MOVQ DI, R14
	LEAQ (R13)(R8*4), R13
	SUBQ $4, R12

gv_tile2:
	CMPQ R12, $2
	JLT  gv_tile1
	MOVQ R13, SI
	MOVQ BX, DX
	ZERO2(Z0, Z1)
	ZERO2(Z2, Z3)
	MOVQ  AX, CX
	TESTQ CX, CX
	JZ    gv_tail2

gv_loop2:
	VMOVDQU32 (DX), Z16
	VMOVDQU32 64(DX), Z17
	DPROW((SI), Z18, Z0, Z1)
	DPROW((SI)(R8*1), Z19, Z2, Z3)
	ADDQ $128, DX
	ADDQ $4, SI
	DECQ CX
	JNZ  gv_loop2

gv_tail2:
	KORTESTW K1, K1
	JZ       gv_store2
	VMOVDQU32 (DX), Z16
	VMOVDQU32 64(DX), Z17
	DPROWT((SI), X18, Z18, Z0, Z1)
	DPROWT((SI)(R8*1), X19, Z19, Z2, Z3)

gv_store2:
	MOVQ R14, DI
	STROW(Z0, Z1)
	STROW(Z2, Z3)
	MOVQ DI, R14
	LEAQ (R13)(R8*2), R13
	SUBQ $2, R12

gv_tile1:
	CMPQ R12, $1
	JLT  gv_done
	MOVQ R13, SI
	MOVQ BX, DX
	ZERO2(Z0, Z1)
	ZERO2(Z2, Z3)
	MOVQ AX, CX
	CMPQ CX, $2
	JLT  gv_one1

gv_loop1:                            // two k-groups per iteration, 4 chains
	VPBROADCASTD (SI), Z18
	VPBROADCASTD 4(SI), Z19
	VPDPBUSD     (DX), Z18, Z0
	VPDPBUSD     64(DX), Z18, Z1
	VPDPBUSD     128(DX), Z19, Z2
	VPDPBUSD     192(DX), Z19, Z3
	ADDQ         $256, DX
	ADDQ         $8, SI
	SUBQ         $2, CX
	CMPQ         CX, $2
	JGE          gv_loop1

gv_one1:
	TESTQ CX, CX
	JZ    gv_tail1
	VPBROADCASTD (SI), Z18
	VPDPBUSD     (DX), Z18, Z0
	VPDPBUSD     64(DX), Z18, Z1
	ADDQ         $128, DX
	ADDQ         $4, SI

gv_tail1:
	KORTESTW K1, K1
	JZ       gv_store1
	VMOVDQU32 (DX), Z16
	VMOVDQU32 64(DX), Z17
	DPROWT((SI), X18, Z18, Z0, Z1)

gv_store1:
	VPADDD Z2, Z0, Z0
	VPADDD Z3, Z1, Z1
	MOVQ   R14, DI
	STROW(Z0, Z1)

gv_done:
	VZEROUPPER
	RET

// ---- batched GEMM, AVX2: one row × 32 columns ----
// Per k-group the 4 input bytes are broadcast and split as above (Y8 = xl,
// Y9 = xh); each 32-byte chunk of the packed group (8 columns × 4 k) gives
// with VPMADDUBSW two pair sums per column, and VPMADDWD by 1 adds them, so
// Y0..Y3 hold columns 0-7, 8-15, 16-23, 24-31 directly. The xh pair sums
// accumulate as int16 in Y4..Y7 over at most 128 groups.

#define GCHUNK(off, acc, acch) \
	VMOVDQU    off(DX), Y10;  \
	VPMADDUBSW Y10, Y9, Y11;  \
	VPMADDUBSW Y10, Y8, Y10;  \
	VPMADDWD   Y12, Y10, Y10; \
	VPADDD     Y10, acc, acc; \
	VPADDW     Y11, acch, acch

#define GCHUNKS \
	GCHUNK(0, Y0, Y4);  \
	GCHUNK(32, Y1, Y5); \
	GCHUNK(64, Y2, Y6); \
	GCHUNK(96, Y3, Y7)

#define ZEROH \
	VPXOR Y4, Y4, Y4; \
	VPXOR Y5, Y5, Y5; \
	VPXOR Y6, Y6, Y6; \
	VPXOR Y7, Y7, Y7

#define FLUSHALL \
	FLUSH(Y4, Y0); \
	FLUSH(Y5, Y1); \
	FLUSH(Y6, Y2); \
	FLUSH(Y7, Y3)

// func gemmPanelAVX2(x *uint8, ldx, rows int, w *int8, full, tail int, y *int32, ldy int)
TEXT ·gemmPanelAVX2(SB), NOSPLIT, $0-64
	SPLITCONST
	MOVQ x+0(FP), R13
	MOVQ ldx+8(FP), R8
	MOVQ rows+16(FP), R12
	MOVQ w+24(FP), BX
	MOVQ full+32(FP), AX
	MOVQ tail+40(FP), R9
	MOVQ y+48(FP), R14
	MOVQ ldy+56(FP), R10
	SHLQ $2, R10

ga_row:
	TESTQ R12, R12
	JZ    ga_done
	MOVQ  R13, SI
	MOVQ  BX, DX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	MOVQ  AX, CX

ga_block:
	TESTQ   CX, CX
	JZ      ga_tail
	MOVQ    $128, R11
	CMPQ    CX, R11
	CMOVQLT CX, R11
	SUBQ    R11, CX
	ZEROH

ga_loop:
	VPBROADCASTD (SI), Y8
	SPLITX
	GCHUNKS
	ADDQ $128, DX
	ADDQ $4, SI
	DECQ R11
	JNZ  ga_loop
	FLUSHALL
	JMP  ga_block

ga_tail:
	TESTQ   R9, R9
	JZ      ga_store
	MOVBLZX (SI), R11
	CMPQ    R9, $1
	JEQ     ga_tailx
	MOVBLZX 1(SI), DI
	SHLL    $8, DI
	ORL     DI, R11
	CMPQ    R9, $2
	JEQ     ga_tailx
	MOVBLZX 2(SI), DI
	SHLL    $16, DI
	ORL     DI, R11

ga_tailx:
	VMOVD        R11, X8
	VPBROADCASTD X8, Y8
	SPLITX
	ZEROH
	GCHUNKS
	FLUSHALL

ga_store:
	VMOVDQU Y0, (R14)
	VMOVDQU Y1, 32(R14)
	VMOVDQU Y2, 64(R14)
	VMOVDQU Y3, 96(R14)
	ADDQ    R10, R14
	ADDQ    R8, R13
	DECQ    R12
	JMP     ga_row

ga_done:
	VZEROUPPER
	RET

