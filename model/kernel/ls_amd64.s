//go:build !purego

#include "textflag.h"

// LSUpdate with AVX-512 (see ls_amd64.go).

// LSHALF updates 8 lanes at off(DI) under mask k: Z0/Z1 hold x's
// halves, Z4 = xs[j], X30 = dec.
#define LSHALF(off, xv, k) \
	VMOVDQU64.Z off(DI), k, Z5; \
	VPSRAQ      X30, Z5, Z6;    \
	VPSUBQ      Z6, Z5, Z5;     \
	VPMULLQ     Z4, xv, Z6;     \
	VPADDQ      Z6, Z5, Z5;     \
	VMOVDQU64   Z5, k, off(DI)

// func lsUpdateAVX512(a *[16][16]int64, b *[16]int64, x *[16]int32, xs *[16]int64, t int64, n int, dec uint)
TEXT ·lsUpdateAVX512(SB), NOSPLIT, $0-56
	MOVQ      a+0(FP), DI
	MOVQ      b+8(FP), SI
	MOVQ      x+16(FP), DX
	MOVQ      xs+24(FP), R8
	MOVQ      n+40(FP), CX
	MOVQ      dec+48(FP), AX
	VMOVQ     AX, X30
	VPMOVSXDQ (DX), Z0
	VPMOVSXDQ 32(DX), Z1
	// R9 = the lanes below n; R10 = row j's lanes [j, n)
	MOVL      $1, R9
	SHLL      CX, R9
	DECL      R9
	MOVL      R9, R10
	XORQ      BX, BX

ls_row:
	VPBROADCASTQ (R8)(BX*8), Z4
	KMOVW        R10, K1
	KSHIFTRW     $8, K1, K2
	LSHALF(0, Z0, K1)
	LSHALF(64, Z1, K2)
	ADDQ         $128, DI
	SHLL         $1, R10
	ANDL         R9, R10
	INCQ         BX
	CMPQ         BX, CX
	JLT          ls_row

	// b[j] = b[j] - b[j]>>dec + xs[j]·t for j < n
	MOVQ         t+32(FP), AX
	VPBROADCASTQ AX, Z7
	KMOVW        R9, K1
	KSHIFTRW     $8, K1, K2
	VMOVDQU64.Z  (R8), K1, Z4
	VMOVDQU64.Z  (SI), K1, Z5
	VPSRAQ       X30, Z5, Z6
	VPSUBQ       Z6, Z5, Z5
	VPMULLQ      Z7, Z4, Z6
	VPADDQ       Z6, Z5, Z5
	VMOVDQU64    Z5, K1, (SI)
	VMOVDQU64.Z  64(R8), K2, Z4
	VMOVDQU64.Z  64(SI), K2, Z5
	VPSRAQ       X30, Z5, Z6
	VPSUBQ       Z6, Z5, Z5
	VPMULLQ      Z7, Z4, Z6
	VPADDQ       Z6, Z5, Z5
	VMOVDQU64    Z5, K2, 64(SI)
	VZEROUPPER
	RET
