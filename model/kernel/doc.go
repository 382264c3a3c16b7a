// Package kernel is dcar's numeric runtime: the exact integer kernels of the
// image network (package model), whose results feed the arithmetic coder
// (int16 matrix-vector products, the sigmoid gate, the WKV16 state step, the
// online-adapting head, 1/√x), and the float32 matrix products of the
// trainer (cmd/dcartrain).
//
// # Files
//
// Each kernel with assembly is four files: x.go (the exported function and
// its definition), x_generic.go (the portable Go reference; no build tag,
// because the amd64 wrappers finish tails with it and the tests compare
// against it everywhere), x_amd64.go (//go:build !purego: assembly
// declarations and wrappers) and x_amd64.s (//go:build !purego).
//
//	doc.go              this overview
//	dispatch.go         the implementation table, the generic entry, init and use
//	dispatch_amd64.go   the avx512 and avx2 entries and their CPU feature checks
//	dispatch_other.go   no accelerated entries (GOARCH other than amd64, or purego)
//	fixed.go            fixed-point helpers: rShift (RoundShift), SatInt16, SatInt32, Scale, NewScale
//	sqrt.go             Isqrt and RsqrtQ30, exact integer square roots
//	nonlinear.go        Sigmoid, the scalar table sigmoid (go:generate runs gen_tables.go)
//	tables.go           sigmoidTab, written by gen_tables.go
//	gen_tables.go       the generator of tables.go (build tag ignore)
//	matvec.go           MatVecS16, the int16 matrix-vector product
//	matvec_generic.go   its reference matVecS16Generic
//	matvec_amd64.go     its AVX-512 VNNI and AVX2 wrappers
//	matvec_amd64.s      matVecS16VNNIAsm (VPDPWSSD), matVecS16AVX2Asm (VPMADDWD)
//	elem.go             Gate and SigmoidVec, element-wise over slices
//	elem_generic.go     their references gateGeneric and sigmoidGeneric
//	elem_amd64.go       their AVX-512 and AVX2 wrappers
//	elem_amd64.s        gate and sigmoid in AVX-512 (masked tails, gathers) and AVX2
//	wkv.go              WKV16, one token step of a 16-channel delta-rule head, and its definition
//	wkv_generic.go      its reference wkv16Generic
//	wkv_amd64.go        the declaration of wkv16AVX512
//	wkv_amd64.s         wkv16AVX512
//	adapt.go            MatVecS32S16 and RankOneUpdateS32, the online-adapting head
//	adapt_generic.go    their references
//	adapt_amd64.go      their AVX-512 wrappers and why their arithmetic is exact
//	adapt_amd64.s       matVecS32S16AVX512 (VPMULDQ), rankOneS32BlockAVX512 (VPDPWSSD)
//	sgemm.go            SgemmNT, SgemmNN and SgemmTN, float32 GEMM for training
//	sgemm_generic.go    their reference sgemmGeneric
//	sgemm_amd64.go      the packing driver and the micro-kernel declarations
//	sgemm_amd64.s       the 8×32 AVX-512 and 4×16 AVX2 FMA micro-kernels, transpose8Strip
//
// Tests:
//
//	matvec_test.go        MatVecS16 against the definition; the shared helpers (rng, equalI32, testSizes)
//	elem_test.go          every implementation's Gate and SigmoidVec against the reference; Gate values
//	fixed_test.go         rShift and NewScale exactly, Sigmoid's error, Isqrt and RsqrtQ30
//	wkv_test.go           WKV16 differential, edge, fuzz and golden tests, its benchmark
//	adapt_test.go         the adaptive-head differential, edge, fuzz and golden tests, benchmarks
//	adapt_linux_test.go   the adaptive-head kernels on slices that end at an unmapped page
//	sgemm_test.go         the SGEMM products against a float64 reference with an error bound
//	golden_test.go        FNV hashes of the integer outputs, the same for every implementation and GOARCH
//	dispatch_test.go      the implementation table and init's choice
//	bench_test.go         benchmarks of MatVecS16, SGEMM and the element-wise operations
//	cputime_linux_test.go process CPU time for the benchmarks (Linux)
//	cputime_other_test.go its stub elsewhere
//
// # Exactness contract
//
// Every integer function is bit-exact: for the same inputs it returns the
// same bits with every implementation (AVX-512 assembly, AVX2 assembly,
// portable Go), on every GOARCH, with or without the purego tag. The
// portable Go code is the reference; the assembly must equal it bit for bit,
// which the tests check differentially (random and odd shapes, extreme
// values, fuzz targets) and with golden hashes that also run on arm64:
//
//   - MatVecS16 accumulates in int32 with two's-complement wrap-around, i.e.
//     exactly Σ w·x mod 2^32 interpreted as int32. Addition mod 2^32 is
//     associative, so summation order (SIMD lanes, tails) cannot change a
//     result. VPDPWSSD is the non-saturating form; VPMADDWD's single
//     overflow case, 2·(-32768)², wraps to -2^31, which is the mod-2^32
//     value.
//   - MatVecS32S16, RankOneUpdateS32 and WKV16 compute in int64 where no
//     intermediate can overflow, then shift and saturate (or, in
//     RankOneUpdateS32, wrap) as their definitions in adapt.go and wkv.go
//     say.
//   - Gate and the sigmoid are pure integer code; the sigmoid's table is a
//     constant (tables.go, generated once by gen_tables.go), so no floating
//     point library can make platforms differ. Isqrt is an integer Newton
//     iteration that returns exactly floor(√x).
//
// The float32 functions (SgemmNT/NN/TN) are accurate (float32 products,
// float32 sums, FMA in the assembly) but NOT bit-exact: results differ in
// low bits between implementations and architectures. Use them for training
// only, never for anything the decoder must reproduce.
//
// # Rounding and saturation
//
// Right shifts that drop bits in Gate round to nearest with ties away from
// zero (RoundShift; symmetric around zero, as gemmlowp). Narrowing
// saturates (SatInt16, SatInt32). A Scale is a factor Mult·2^-Shift with a
// 31-bit mantissa, for requantising int32 accumulators; NewScale builds it,
// the code that applies it chooses the rounding.
//
// # Q formats
//
// QI.F denotes a signed value with F fractional bits (value = int/2^F),
// UQI.F an unsigned one.
//
//	MatVecS16     W, x int16 (any scales), y int32 (scale_w·scale_x)
//	Scale         Mult in [2^30, 2^31) (Q0.31 mantissa ≥ 0.5), Shift 0..63
//	Sigmoid       in  int16 Q3.12 ([-8, 8));   out uint16 UQ0.16 ((0, 1))
//	Gate factor   uint16 UQ0.16 (Sigmoid outputs fit directly)
//	RsqrtQ30      floor(2^30/√x), i.e. UQ2.30 of 1/√x
//	WKV16         caller-chosen formats, see wkv.go
//
// Sigmoid's error against σ is below 0.7 units of 2^-16, and it is
// monotonic (tested).
//
// # Layouts
//
// Matrices are row-major. MatVecS16 and MatVecS32S16 take W as rows×cols.
// For a linear layer Y = X·Wᵀ the training products are SgemmNT (forward),
// SgemmNN (dX = dY·W) and SgemmTN (dW += dYᵀ·X); see sgemm.go.
//
// # Dispatch
//
// At init the package picks the best available implementation with
// golang.org/x/sys/cpu:
//
//	"avx512"  AVX-512 F+BW+VL+DQ and AVX512_VNNI (and AVX2+FMA): VPDPWSSD
//	          int16 products, 8×32 ZMM float32 GEMM, Gate and SigmoidVec
//	          (with gathers), WKV16, and the adaptive-head kernels
//	          MatVecS32S16 (VPMULDQ, int64 lanes) and RankOneUpdateS32
//	          (int16 split of g, VPDPWSSD)
//	"avx2"    AVX2 and FMA: VPMADDWD int16 products, 4×16 YMM float32 GEMM,
//	          Gate and SigmoidVec vectorised with YMM (tails in Go); WKV16
//	          and the adaptive head use the Go code
//	"generic" portable Go; the reference, always available
//
// The purego build tag, and any GOARCH other than amd64, use "generic" only.
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
