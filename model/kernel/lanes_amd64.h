// Macros shared by the AVX-512 kernels of 8 int64 lanes
// (requant_amd64.s, hat_amd64.s).

// LANEMASK sets K1 to the low CX bits (CX < 8), for a loop's last
// CX lanes; it clobbers AX.
#define LANEMASK \
	MOVQ  $1, AX; \
	SHLQ  CX, AX; \
	DECQ  AX;     \
	KMOVB AX, K1
