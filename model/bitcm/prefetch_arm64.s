//go:build !purego

#include "textflag.h"

// func prefetch(p *node)
TEXT ·prefetch(SB), NOSPLIT|NOFRAME, $0-8
	MOVD p+0(FP), R0
	PRFM (R0), PLDL1KEEP
	RET

// func prefetchPairs(ps []uintptr)
TEXT ·prefetchPairs(SB), NOSPLIT|NOFRAME, $0-24
	MOVD ps_base+0(FP), R0
	MOVD ps_len+8(FP), R1
	CBZ  R1, done
loop:
	MOVD.P 8(R0), R2
	PRFM (R2), PLDL1KEEP
	ADD  $64, R2, R3
	PRFM (R3), PLDL1KEEP
	SUB  $1, R1, R1
	CBNZ R1, loop
done:
	RET
