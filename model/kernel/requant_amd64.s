//go:build !purego

#include "textflag.h"
#include "lanes_amd64.h"

// Requant and Lerp16 with AVX-512 (see requant_amd64.go for why each
// instruction computes exactly the generic formula).

// func requantAVX512(dst *int16, acc, bias *int32, m, half, sh *int64, n int, lo int64)
TEXT ·requantAVX512(SB), NOSPLIT, $0-64
	MOVQ         dst+0(FP), DI
	MOVQ         acc+8(FP), SI
	MOVQ         bias+16(FP), DX
	MOVQ         m+24(FP), R8
	MOVQ         half+32(FP), R9
	MOVQ         sh+40(FP), R10
	MOVQ         n+48(FP), CX
	VPBROADCASTQ lo+56(FP), Z31

rq_loop:
	CMPQ      CX, $8
	JLT       rq_tail
	VPMOVSXDQ (SI), Z0
	TESTQ     DX, DX
	JZ        rq_nobias
	VPMOVSXDQ (DX), Z1
	VPADDQ    Z1, Z0, Z0
	ADDQ      $32, DX

rq_nobias:
	VPMULLQ   (R8), Z0, Z0
	VPADDQ    (R9), Z0, Z0
	VMOVDQU64 (R10), Z2
	VPSRAVQ   Z2, Z0, Z0
	VPMAXSQ   Z31, Z0, Z0
	VPMOVSQW  Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $64, R8
	ADDQ      $64, R9
	ADDQ      $64, R10
	ADDQ      $16, DI
	SUBQ      $8, CX
	JMP       rq_loop

rq_tail:
	TESTQ       CX, CX
	JZ          rq_done
	LANEMASK
	VPMOVSXDQ.Z (SI), K1, Z0
	TESTQ       DX, DX
	JZ          rq_tail_nobias
	VPMOVSXDQ.Z (DX), K1, Z1
	VPADDQ      Z1, Z0, Z0

rq_tail_nobias:
	VMOVDQU64.Z (R8), K1, Z3
	VPMULLQ     Z3, Z0, Z0
	VMOVDQU64.Z (R9), K1, Z3
	VPADDQ      Z3, Z0, Z0
	VMOVDQU64.Z (R10), K1, Z2
	VPSRAVQ     Z2, Z0, Z0
	VPMAXSQ     Z31, Z0, Z0
	VPMOVSQW    Z0, K1, (DI)

rq_done:
	VZEROUPPER
	RET

// LERPCALC: Z0 = a, Z1 = b, Z2 = mu (int64 lanes) → Z1 = a + ((b-a)·mu + 2^15) >> 16.
#define LERPCALC \
	VPSUBQ  Z0, Z1, Z1;  \
	VPMULDQ Z2, Z1, Z1;  \
	VPADDQ  Z30, Z1, Z1; \
	VPSRAQ  $16, Z1, Z1; \
	VPADDQ  Z0, Z1, Z1

// func lerpAVX512(dst, a, b *int16, mu *int32, n int)
TEXT ·lerpAVX512(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         b+16(FP), DX
	MOVQ         mu+24(FP), R8
	MOVQ         n+32(FP), CX
	MOVQ         $0x8000, AX
	VPBROADCASTQ AX, Z30

lerp_loop:
	CMPQ      CX, $8
	JLT       lerp_tail
	VPMOVSXWQ (SI), Z0
	VPMOVSXWQ (DX), Z1
	VPMOVSXDQ (R8), Z2
	LERPCALC
	VPMOVSQW  Z1, (DI)
	ADDQ      $16, SI
	ADDQ      $16, DX
	ADDQ      $32, R8
	ADDQ      $16, DI
	SUBQ      $8, CX
	JMP       lerp_loop

lerp_tail:
	TESTQ       CX, CX
	JZ          lerp_done
	LANEMASK
	VPMOVSXWQ.Z (SI), K1, Z0
	VPMOVSXWQ.Z (DX), K1, Z1
	VPMOVSXDQ.Z (R8), K1, Z2
	LERPCALC
	VPMOVSQW    Z1, K1, (DI)

lerp_done:
	VZEROUPPER
	RET

// ADDQ4CALC: Z0 = delta → Y1 = int32(clamp((delta + 8) >> 4, ±2^30)).
#define ADDQ4CALC \
	VPADDQ  Z29, Z0, Z0; \
	VPSRAQ  $4, Z0, Z0;  \
	VPMAXSQ Z28, Z0, Z0; \
	VPMINSQ Z27, Z0, Z0; \
	VPMOVQD Z0, Y1

// func addQ4AVX512(logits *int32, delta *int64, n int)
TEXT ·addQ4AVX512(SB), NOSPLIT, $0-24
	MOVQ         logits+0(FP), DI
	MOVQ         delta+8(FP), SI
	MOVQ         n+16(FP), CX
	MOVQ         $8, AX
	VPBROADCASTQ AX, Z29
	MOVQ         $-1073741824, AX
	VPBROADCASTQ AX, Z28
	MOVQ         $1073741824, AX
	VPBROADCASTQ AX, Z27

addq4_loop:
	CMPQ      CX, $8
	JLT       addq4_tail
	VMOVDQU64 (SI), Z0
	ADDQ4CALC
	VPADDD    (DI), Y1, Y1
	VMOVDQU32 Y1, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $8, CX
	JMP       addq4_loop

addq4_tail:
	TESTQ       CX, CX
	JZ          addq4_done
	LANEMASK
	VMOVDQU64.Z (SI), K1, Z0
	ADDQ4CALC
	VMOVDQU32.Z (DI), K1, Y2
	VPADDD      Y2, Y1, Y1
	VMOVDQU32   Y1, K1, (DI)

addq4_done:
	VZEROUPPER
	RET

// RQCORE: Z0 = a (int64 lanes), K1 the lanes → Z0 = (a·m + half) >> sh,
// with m, half, sh at R8, R9, R10 (masked loads).
#define RQCORE \
	VMOVDQU64.Z (R8), K1, Z3;  \
	VPMULLQ     Z3, Z0, Z0;    \
	VMOVDQU64.Z (R9), K1, Z3;  \
	VPADDQ      Z3, Z0, Z0;    \
	VMOVDQU64.Z (R10), K1, Z2; \
	VPSRAVQ     Z2, Z0, Z0

// func requantAddAVX512(dst *int16, acc *int32, base *int16, m, half, sh *int64, n int)
TEXT ·requantAddAVX512(SB), NOSPLIT, $0-56
	MOVQ   dst+0(FP), DI
	MOVQ   acc+8(FP), SI
	MOVQ   base+16(FP), DX
	MOVQ   m+24(FP), R8
	MOVQ   half+32(FP), R9
	MOVQ   sh+40(FP), R10
	MOVQ   n+48(FP), CX
	KXNORB K1, K1, K1

rqa_loop:
	CMPQ        CX, $8
	JLT         rqa_tail
	VPMOVSXDQ   (SI), Z0
	RQCORE
	VPMOVSXWQ   (DX), Z1
	VPADDQ      Z1, Z0, Z0
	VPMOVSQW    Z0, (DI)
	ADDQ        $32, SI
	ADDQ        $16, DX
	ADDQ        $64, R8
	ADDQ        $64, R9
	ADDQ        $64, R10
	ADDQ        $16, DI
	SUBQ        $8, CX
	JMP         rqa_loop

rqa_tail:
	TESTQ       CX, CX
	JZ          rqa_done
	LANEMASK
	VPMOVSXDQ.Z (SI), K1, Z0
	RQCORE
	VPMOVSXWQ.Z (DX), K1, Z1
	VPADDQ      Z1, Z0, Z0
	VPMOVSQW    Z0, K1, (DI)

rqa_done:
	VZEROUPPER
	RET

// func requantHeadAVX512(dst, acc, bias, add *int32, m, half, sh *int64, n int)
TEXT ·requantHeadAVX512(SB), NOSPLIT, $0-64
	MOVQ         dst+0(FP), DI
	MOVQ         acc+8(FP), SI
	MOVQ         bias+16(FP), DX
	MOVQ         add+24(FP), R11
	MOVQ         m+32(FP), R8
	MOVQ         half+40(FP), R9
	MOVQ         sh+48(FP), R10
	MOVQ         n+56(FP), CX
	MOVQ         $-1073741824, AX
	VPBROADCASTQ AX, Z28
	MOVQ         $1073741824, AX
	VPBROADCASTQ AX, Z27
	KXNORB       K1, K1, K1

rqh_loop:
	CMPQ      CX, $8
	JLT       rqh_tail
	VPMOVSXDQ (SI), Z0
	VPMOVSXDQ (DX), Z1
	VPADDQ    Z1, Z0, Z0
	RQCORE
	VPMOVSXDQ (R11), Z1
	VPADDQ    Z1, Z0, Z0
	VPMAXSQ   Z28, Z0, Z0
	VPMINSQ   Z27, Z0, Z0
	VPMOVQD   Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, R11
	ADDQ      $64, R8
	ADDQ      $64, R9
	ADDQ      $64, R10
	ADDQ      $32, DI
	SUBQ      $8, CX
	JMP       rqh_loop

rqh_tail:
	TESTQ       CX, CX
	JZ          rqh_done
	LANEMASK
	VPMOVSXDQ.Z (SI), K1, Z0
	VPMOVSXDQ.Z (DX), K1, Z1
	VPADDQ      Z1, Z0, Z0
	RQCORE
	VPMOVSXDQ.Z (R11), K1, Z1
	VPADDQ      Z1, Z0, Z0
	VPMAXSQ     Z28, Z0, Z0
	VPMINSQ     Z27, Z0, Z0
	VPMOVQD     Z0, K1, (DI)

rqh_done:
	VZEROUPPER
	RET

// func stepBiasAVX512(ob *int32, grad *int64, n int, half int64, sh uint)
TEXT ·stepBiasAVX512(SB), NOSPLIT, $0-40
	MOVQ         ob+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         n+16(FP), CX
	VPBROADCASTQ half+24(FP), Z26
	MOVQ         sh+32(FP), X5
	MOVQ         $-16777216, AX
	VPBROADCASTQ AX, Z28
	MOVQ         $16777216, AX
	VPBROADCASTQ AX, Z27
	KXNORB       K1, K1, K1

sb_loop:
	CMPQ      CX, $8
	JLT       sb_tail
	VMOVDQU64 (SI), Z0
	VPADDQ    Z26, Z0, Z0
	VPSRAQ    X5, Z0, Z0
	VPMOVSXDQ (DI), Z1
	VPSUBQ    Z0, Z1, Z1
	VPMAXSQ   Z28, Z1, Z1
	VPMINSQ   Z27, Z1, Z1
	VPMOVQD   Z1, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $8, CX
	JMP       sb_loop

sb_tail:
	TESTQ       CX, CX
	JZ          sb_done
	LANEMASK
	VMOVDQU64.Z (SI), K1, Z0
	VPADDQ      Z26, Z0, Z0
	VPSRAQ      X5, Z0, Z0
	VPMOVSXDQ.Z (DI), K1, Z1
	VPSUBQ      Z0, Z1, Z1
	VPMAXSQ     Z28, Z1, Z1
	VPMINSQ     Z27, Z1, Z1
	VPMOVQD     Z1, K1, (DI)

sb_done:
	VZEROUPPER
	RET

// func rescale32AVX512(dst *int32, grad *int64, m, half, sh *int64, n int)
TEXT ·rescale32AVX512(SB), NOSPLIT, $0-48
	MOVQ   dst+0(FP), DI
	MOVQ   grad+8(FP), SI
	MOVQ   m+16(FP), R8
	MOVQ   half+24(FP), R9
	MOVQ   sh+32(FP), R10
	MOVQ   n+40(FP), CX
	KXNORB K1, K1, K1

rs_loop:
	CMPQ      CX, $8
	JLT       rs_tail
	VMOVDQU64 (SI), Z0
	RQCORE
	VPMOVSQD  Z0, (DI)
	ADDQ      $64, SI
	ADDQ      $64, R8
	ADDQ      $64, R9
	ADDQ      $64, R10
	ADDQ      $32, DI
	SUBQ      $8, CX
	JMP       rs_loop

rs_tail:
	TESTQ       CX, CX
	JZ          rs_done
	LANEMASK
	VMOVDQU64.Z (SI), K1, Z0
	RQCORE
	VPMOVSQD    Z0, K1, (DI)

rs_done:
	VZEROUPPER
	RET

// func rescale16AVX512(dst, src *int16, n int, m, half int64, sh uint)
TEXT ·rescale16AVX512(SB), NOSPLIT, $0-48
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VPBROADCASTQ m+24(FP), Z28
	VPBROADCASTQ half+32(FP), Z29
	MOVQ         sh+40(FP), AX
	VMOVQ        AX, X30

rs_loop:
	CMPQ      CX, $8
	JLT       rs_tail
	VPMOVSXWQ (SI), Z0
	VPMULLQ   Z28, Z0, Z0
	VPADDQ    Z29, Z0, Z0
	VPSRAQ    X30, Z0, Z0
	VPMOVSQW  Z0, (DI)
	ADDQ      $16, SI
	ADDQ      $16, DI
	SUBQ      $8, CX
	JMP       rs_loop

rs_tail:
	TESTQ       CX, CX
	JZ          rs_done
	LANEMASK
	VPMOVSXWQ.Z (SI), K1, Z0
	VPMULLQ     Z28, Z0, Z0
	VPADDQ      Z29, Z0, Z0
	VPSRAQ      X30, Z0, Z0
	VPMOVSQW    Z0, K1, (DI)

rs_done:
	VZEROUPPER
	RET
