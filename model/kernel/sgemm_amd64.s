//go:build !purego

#include "textflag.h"

// ---- AVX-512 8×32 SGEMM micro-kernel ----
// Z16, Z17: row p of the B panel (32 floats); per row of A a broadcast and
// two FMAs into the 16 accumulators Z0..Z15.

#define FMAROW(addr, t, a0, a1) \
	VBROADCASTSS addr, t;       \
	VFMADD231PS  Z16, t, a0;    \
	VFMADD231PS  Z17, t, a1

#define STROWZ(a0, a1) \
	VMOVUPS a0, (DI);   \
	VMOVUPS a1, 64(DI); \
	ADDQ    R10, DI

#define ACCROWZ(a0, a1) \
	VADDPS  (DI), a0, a0;     \
	VADDPS  64(DI), a1, a1;   \
	VMOVUPS a0, (DI);         \
	VMOVUPS a1, 64(DI);       \
	ADDQ    R10, DI

// func sgemmKernAVX512(a *float32, ars, acs int, b *float32, ldb, k int, c *float32, ldc int, accumulate int)
TEXT ·sgemmKernAVX512(SB), NOSPLIT, $0-72
	MOVQ a+0(FP), SI
	MOVQ ars+8(FP), R8
	MOVQ acs+16(FP), R12
	MOVQ b+24(FP), DX
	MOVQ ldb+32(FP), R13
	MOVQ k+40(FP), CX
	MOVQ c+48(FP), DI
	MOVQ ldc+56(FP), R10
	MOVQ accumulate+64(FP), AX
	SHLQ $2, R8
	SHLQ $2, R12
	SHLQ $2, R13
	SHLQ $2, R10
	LEAQ (R8)(R8*2), R9
	LEAQ (SI)(R8*4), R11
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

sz_loop:
	VMOVUPS (DX), Z16
	VMOVUPS 64(DX), Z17
	FMAROW((SI), Z18, Z0, Z1)
	FMAROW((SI)(R8*1), Z19, Z2, Z3)
	FMAROW((SI)(R8*2), Z20, Z4, Z5)
	FMAROW((SI)(R9*1), Z21, Z6, Z7)
	FMAROW((R11), Z22, Z8, Z9)
	FMAROW((R11)(R8*1), Z23, Z10, Z11)
	FMAROW((R11)(R8*2), Z24, Z12, Z13)
	FMAROW((R11)(R9*1), Z25, Z14, Z15)
	ADDQ R13, DX
	ADDQ R12, SI
	ADDQ R12, R11
	DECQ CX
	JNZ  sz_loop

	TESTQ AX, AX
	JNZ   sz_acc
	STROWZ(Z0, Z1)
	STROWZ(Z2, Z3)
	STROWZ(Z4, Z5)
	STROWZ(Z6, Z7)
	STROWZ(Z8, Z9)
	STROWZ(Z10, Z11)
	STROWZ(Z12, Z13)
	STROWZ(Z14, Z15)
	VZEROUPPER
	RET

sz_acc:
	ACCROWZ(Z0, Z1)
	ACCROWZ(Z2, Z3)
	ACCROWZ(Z4, Z5)
	ACCROWZ(Z6, Z7)
	ACCROWZ(Z8, Z9)
	ACCROWZ(Z10, Z11)
	ACCROWZ(Z12, Z13)
	ACCROWZ(Z14, Z15)
	VZEROUPPER
	RET

// ---- AVX2+FMA 4×16 SGEMM micro-kernel ----

#define FMAROWY(addr, t, a0, a1) \
	VBROADCASTSS addr, t;        \
	VFMADD231PS  Y8, t, a0;      \
	VFMADD231PS  Y9, t, a1

#define STROWY(a0, a1) \
	VMOVUPS a0, (DI);   \
	VMOVUPS a1, 32(DI); \
	ADDQ    R10, DI

#define ACCROWY(a0, a1) \
	VADDPS  (DI), a0, a0;   \
	VADDPS  32(DI), a1, a1; \
	VMOVUPS a0, (DI);       \
	VMOVUPS a1, 32(DI);     \
	ADDQ    R10, DI

// func sgemmKernAVX2(a *float32, ars, acs int, b *float32, ldb, k int, c *float32, ldc int, accumulate int)
TEXT ·sgemmKernAVX2(SB), NOSPLIT, $0-72
	MOVQ a+0(FP), SI
	MOVQ ars+8(FP), R8
	MOVQ acs+16(FP), R12
	MOVQ b+24(FP), DX
	MOVQ ldb+32(FP), R13
	MOVQ k+40(FP), CX
	MOVQ c+48(FP), DI
	MOVQ ldc+56(FP), R10
	MOVQ accumulate+64(FP), AX
	SHLQ $2, R8
	SHLQ $2, R12
	SHLQ $2, R13
	SHLQ $2, R10
	LEAQ (R8)(R8*2), R9
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

sy_loop:
	VMOVUPS (DX), Y8
	VMOVUPS 32(DX), Y9
	FMAROWY((SI), Y10, Y0, Y1)
	FMAROWY((SI)(R8*1), Y11, Y2, Y3)
	FMAROWY((SI)(R8*2), Y12, Y4, Y5)
	FMAROWY((SI)(R9*1), Y13, Y6, Y7)
	ADDQ R13, DX
	ADDQ R12, SI
	DECQ CX
	JNZ  sy_loop

	TESTQ AX, AX
	JNZ   sy_acc
	STROWY(Y0, Y1)
	STROWY(Y2, Y3)
	STROWY(Y4, Y5)
	STROWY(Y6, Y7)
	VZEROUPPER
	RET

sy_acc:
	ACCROWY(Y0, Y1)
	ACCROWY(Y2, Y3)
	ACCROWY(Y4, Y5)
	ACCROWY(Y6, Y7)
	VZEROUPPER
	RET

// func transpose8Strip(dst *float32, ldd int, src *float32, lds int, blocks int)
TEXT ·transpose8Strip(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	MOVQ blocks+32(FP), CX
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10         // 3*lds
	LEAQ (SI)(R9*4), R11         // source row 4
	LEAQ (R8)(R8*2), R12         // 3*ldd

tr_loop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R9*1), Y1
	VMOVUPS (SI)(R9*2), Y2
	VMOVUPS (SI)(R10*1), Y3
	VMOVUPS (R11), Y4
	VMOVUPS (R11)(R9*1), Y5
	VMOVUPS (R11)(R9*2), Y6
	VMOVUPS (R11)(R10*1), Y7
	VUNPCKLPS  Y1, Y0, Y8        // r0[0] r1[0] r0[1] r1[1] | r0[4] ...
	VUNPCKHPS  Y1, Y0, Y9        // r0[2] r1[2] r0[3] r1[3] | r0[6] ...
	VUNPCKLPS  Y3, Y2, Y10
	VUNPCKHPS  Y3, Y2, Y11
	VUNPCKLPS  Y5, Y4, Y12
	VUNPCKHPS  Y5, Y4, Y13
	VUNPCKLPS  Y7, Y6, Y14
	VUNPCKHPS  Y7, Y6, Y15
	VSHUFPS    $0x44, Y10, Y8, Y0   // r0..3[0] | r0..3[4]
	VSHUFPS    $0xEE, Y10, Y8, Y1   // r0..3[1] | r0..3[5]
	VSHUFPS    $0x44, Y11, Y9, Y2   // r0..3[2] | r0..3[6]
	VSHUFPS    $0xEE, Y11, Y9, Y3   // r0..3[3] | r0..3[7]
	VSHUFPS    $0x44, Y14, Y12, Y4  // r4..7[0] | r4..7[4]
	VSHUFPS    $0xEE, Y14, Y12, Y5
	VSHUFPS    $0x44, Y15, Y13, Y6
	VSHUFPS    $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8    // column 0
	VPERM2F128 $0x20, Y5, Y1, Y9    // column 1
	VPERM2F128 $0x20, Y6, Y2, Y10   // column 2
	VPERM2F128 $0x20, Y7, Y3, Y11   // column 3
	VPERM2F128 $0x31, Y4, Y0, Y12   // column 4
	VPERM2F128 $0x31, Y5, Y1, Y13   // column 5
	VPERM2F128 $0x31, Y6, Y2, Y14   // column 6
	VPERM2F128 $0x31, Y7, Y3, Y15   // column 7
	VMOVUPS    Y8, (DI)
	VMOVUPS    Y9, (DI)(R8*1)
	VMOVUPS    Y10, (DI)(R8*2)
	VMOVUPS    Y11, (DI)(R12*1)
	LEAQ       (DI)(R8*4), DI
	VMOVUPS    Y12, (DI)
	VMOVUPS    Y13, (DI)(R8*1)
	VMOVUPS    Y14, (DI)(R8*2)
	VMOVUPS    Y15, (DI)(R12*1)
	LEAQ       (DI)(R8*4), DI
	ADDQ       $32, SI
	ADDQ       $32, R11
	DECQ       CX
	JNZ        tr_loop
	VZEROUPPER
	RET
