// Package kernel is dcar's numeric runtime: the integer kernels whose results
// feed the arithmetic coder, and float32 kernels for training.
//
// # Exactness contract
//
// Every integer function is bit-exact: for the same inputs it returns the
// same bits with every implementation (AVX-512 VNNI assembly, AVX2 assembly,
// portable Go), on every GOARCH, with or without the purego tag. The
// portable Go code is the reference; the assembly must equal it bit for bit,
// which the tests check differentially (random and odd shapes, extreme
// values, a fuzz target) and with golden hashes that also run on arm64:
//
//   - Products (MatVecU8S8, MatVecS16, GemmU8S8) accumulate in int32 with
//     two's-complement wrap-around, i.e. exactly Σ w·x mod 2^32 interpreted
//     as int32. Addition mod 2^32 is associative, so summation order (SIMD
//     lanes, tiles, tails) cannot change a result. No instruction that
//     saturates is allowed to see an out-of-range value: VPDPBUSD and
//     VPDPWSSD are the non-saturating forms; VPMADDUBSW (which saturates
//     int16 pair sums: 255·127·2 > 32767) is only fed 7-bit inputs (x is split
//     as x&127 + 128·(x>>7)); VPMADDWD's single overflow case, 2·(-32768)²,
//     wraps to -2^31, which is the mod-2^32 value.
//   - Element-wise operations are pure integer code with tables that are
//     constants (tables.go, generated once by gen_tables.go), so no floating
//     point library can make platforms differ; Isqrt is an integer Newton
//     iteration that returns exactly floor(√x).
//
// Float32 functions (SgemmNT/NN/TN, MatVecF32) are accurate (float32
// products, float32 sums, FMA in the assembly) but NOT bit-exact: results
// differ in low bits between implementations and architectures. Use them for
// training only, never for anything the decoder must reproduce.
//
// # Rounding and saturation
//
// All right shifts that drop bits round to nearest with ties away from zero
// (RoundShift; symmetric around zero, as gemmlowp). Narrowing saturates
// (SatInt8, SatUint8, SatInt16, SatInt32). Requantisation multiplies the
// int32 accumulator by a Scale, Mult·2^-Shift with a 31-bit mantissa, in
// int64 and rounds once (no double rounding).
//
// # Q formats
//
// QI.F denotes a signed value with F fractional bits (value = int/2^F),
// UQI.F an unsigned one.
//
//	int8 matrix products   W int8 (any scale), x uint8 0..255 (any scale, e.g. with
//	                       a zero point: use PackedInt8.RowSums), y int32 (scale_w·scale_x)
//	Scale                  Mult in [2^30, 2^31) (Q0.31 mantissa ≥ 0.5), Shift 0..63
//	Sigmoid                in  int16 Q3.12 ([-8, 8));   out uint16 UQ0.16 ((0, 1))
//	ExpNeg, Exp2Neg        in  int32 Q19.12, x ≥ 0 → e^(-x), 2^(-x) (x ≤ 0 → 1.0)
//	                       out uint32 UQ16.16 in [0, 65536]
//	Gate, Lerp factors     uint16 UQ0.16 (Sigmoid outputs fit directly)
//	RMSNorm                in  int16, any Q (scale-free); out int16 Q3.12
//	RsqrtQ30               floor(2^30/√x), i.e. UQ2.30 of 1/√x
//	MulInt16, AddInt16,    caller-chosen Q formats: the shift argument converts
//	ReLUSqUint8/Int16      (MulInt16: shift = fa+fb-fout; ReLU²: shift = 2f-fout)
//
// Error bounds against the real functions (tested): Sigmoid < 0.7 and
// ExpNeg, Exp2Neg < 0.51 units of 2^-16 (both monotonic); RMSNorm <= 0.5
// unit + 2^-22 relative.
//
// # Layouts
//
// Matrices are row-major. MatVecU8S8 and MatVecS16 take W as rows×cols.
// GemmU8S8 takes X as batch×K (one independent stream per row) and the
// weights packed once at model load by PackInt8 (N×K → panels of 32 output
// rows, K in groups of 4 bytes: the VPDPBUSD operand layout); Y is batch×N.
// GemmU8S8 with batch 1 is a matrix-vector product on the packed weights.
// For a linear layer Y = X·Wᵀ the training products are SgemmNT (forward),
// SgemmNN (dX = dY·W) and SgemmTN (dW += dYᵀ·X); see sgemm.go.
//
// # Dispatch
//
// At init the package picks the best available implementation with
// golang.org/x/sys/cpu:
//
//	"avx512"  AVX-512 F+BW+VL+DQ and AVX512_VNNI (and AVX2+FMA): VPDPBUSD int8
//	          GEMM (8×32 register tile) and matrix-vector products, VPDPWSSD
//	          int16, 8×32 ZMM float32 GEMM, and vectorised element-wise ops
//	          (per-tensor Requant*, MulInt16, AddInt16, Gate, Lerp, ReLUSqUint8,
//	          SigmoidVec and ExpNegVec with gathers), WKV16, and the adaptive-head
//	          kernels MatVecS32S16 (VPMULDQ, int64 lanes) and RankOneUpdateS32
//	          (int16 split of g, VPDPWSSD)
//	"avx2"    AVX2 and FMA: exact split-VPMADDUBSW int8 kernels, VPMADDWD int16,
//	          4×16 YMM float32 GEMM, 4-row FMA matrix-vector product, and the same
//	          element-wise ops vectorised with YMM (tails in Go)
//	"generic" portable Go; the reference, always available
//
// The vectorised element-wise kernels cover the common parameter ranges
// (e.g. shifts 1..30) and hand any other call to the Go code, so every
// call has the reference result.
//
// The purego build tag, and any GOARCH other than amd64, use "generic" only.
// Impl reports the choice and Impls lists what this machine supports.
// Internally every implementation stays reachable (the impls list), and the
// tests run each one against the reference.
//
// Slice arguments: the element-wise functions process len(dst) elements and
// panic if an input is shorter; dst may be the same slice as an input but
// must not partially overlap one. Matrix outputs must not overlap inputs.
//
// All kernels are single-threaded and allocation-free in steady state
// (SGEMM reuses pooled packing buffers); parallelise over independent
// streams or layers, never by splitting one sum across goroutines.
package kernel
