package kernel

// implementation is one complete set of kernels. Every field is filled; an
// implementation that has no special code for a kernel uses the generic one.
//
// The functions here receive already validated arguments (see the exported
// wrappers), so they do no bounds checking of their own beyond what Go does.
type implementation struct {
	name string

	// y[i] = Σ_j w[i*cols+j]·x[j], int32 wrap-around.
	matVecS16 func(y []int32, w []int16, x []int16, rows, cols int)

	// C(i,j) (+)= Σ_p A(i,p)·B(p,j) with A(i,p) = a[i*ars+p*acs] and
	// B(p,j) = b[p*brs+j*bcs]; one of brs, bcs is 1.
	sgemm func(m, n, k int, a []float32, ars, acs int, b []float32, brs, bcs int, c []float32, ldc int, accumulate bool)

	// Element-wise kernels (exact; same semantics as the generic ones).
	elem elemKernels

	// One WKV16 step (see WKV16; exact) and its inputs (WKVPrep).
	wkv16   func(st *[256]int32, kk, b, dec, kv, v, r *[16]int32, rsh, yShift uint, y *[16]int16)
	wkvPrep func(kk, b, kv, v32, r32 *[16]int32, k, v, r *[16]int16, alpha *[16]int32, rs int64, lsh uint)

	// The adaptive-head kernels (see MatVecS32S16, RankOneUpdateS32; exact).
	matVecS32S16     func(y []int32, w []int32, x []int16, rows, cols int, shift uint)
	rankOneUpdateS32 func(w []int32, g []int32, x []int16, rows, cols int)

	// imgctx's least-squares update (see LSUpdate; exact).
	lsUpdate func(a *[16][16]int64, b *[16]int64, x *[16]int32, t int32, n int, dec, sh uint)
}

// elemKernels are the vectorisable element-wise operations, called by the
// exported functions after argument checks (equal lengths).
type elemKernels struct {
	gate    func(dst, a []int16, g []uint16)
	sigmoid func(dst []uint16, x []int16)
	requant func(dst []int16, acc, bias []int32, m, half, sh []int64, lo int64)
	lerp    func(dst, a, b []int16, mu []int32)
	addQ4   func(logits []int32, delta []int64)
	hatAdd  func(delta []int64, lo int, p, invH, bk int64)
	hatDot  func(dz []int64, lo int, p, invH int64) int64
	grid    func(delta []int64, cell []uint8, frac []int32, o []int32, acc, step, rj int64)
	shape   func(dst []int32, tab *[256]int32, acc, step, tail int32)

	requantAdd  func(dst []int16, acc []int32, base []int16, m, half, sh []int64)
	requantHead func(dst, acc, bias, add []int32, m, half, sh []int64)
	stepBias    func(ob []int32, g []int64, half int64, sh uint)
	rescale32   func(dst []int32, g []int64, m, half, sh []int64)
	rescale16   func(dst, src []int16, m, half int64, sh uint)
}

var genericElem = elemKernels{
	gate:    gateGeneric,
	sigmoid: sigmoidGeneric,
	requant: requantGeneric,
	lerp:    lerpGeneric,
	addQ4:   addQ4Generic,
	hatAdd:  hatAddGeneric,
	hatDot:  hatDotGeneric,
	grid:    gridGeneric,
	shape:   shapeGeneric,

	requantAdd:  requantAddGeneric,
	requantHead: requantHeadGeneric,
	stepBias:    stepBiasGeneric,
	rescale32:   rescale32Generic,
	rescale16:   rescale16Generic,
}

// generic is the portable reference implementation. It defines the exact
// results of every integer kernel.
var generic = &implementation{
	name:      "generic",
	matVecS16: matVecS16Generic,
	sgemm:     sgemmGeneric,
	elem:      genericElem,
	wkv16:     wkv16Generic,
	wkvPrep:   wkvPrepGeneric,

	matVecS32S16:     matVecS32S16Generic,
	rankOneUpdateS32: rankOneUpdateS32Generic,
	lsUpdate:         lsUpdateGeneric,
}

// impls lists the implementations usable on this machine, best first; the
// generic one is always last. Tests iterate over it. archImpls (in
// dispatch_amd64.go, or dispatch_other.go for other GOARCHes and purego)
// supplies the accelerated ones after checking CPU features.
var impls []*implementation

// Package-level kernel function variables used by the exported wrappers,
// set by use.
var (
	matVecS16Impl func(y []int32, w []int16, x []int16, rows, cols int)
	sgemmImpl     func(m, n, k int, a []float32, ars, acs int, b []float32, brs, bcs int, c []float32, ldc int, accumulate bool)
	ek            elemKernels
	wkv16Impl     func(st *[256]int32, kk, b, dec, kv, v, r *[16]int32, rsh, yShift uint, y *[16]int16)
	wkvPrepImpl   func(kk, b, kv, v32, r32 *[16]int32, k, v, r *[16]int16, alpha *[16]int32, rs int64, lsh uint)

	matVecS32S16Impl     func(y []int32, w []int32, x []int16, rows, cols int, shift uint)
	rankOneUpdateS32Impl func(w []int32, g []int32, x []int16, rows, cols int)
	lsUpdateImpl         func(a *[16][16]int64, b *[16]int64, x *[16]int32, t int32, n int, dec, sh uint)
)

func init() {
	impls = append(archImpls(), generic)
	use(impls[0])
}

// use makes im the implementation behind the exported functions. It is not
// safe to call concurrently with kernel calls; tests use it to force a path.
func use(im *implementation) {
	matVecS16Impl = im.matVecS16
	sgemmImpl = im.sgemm
	ek = im.elem
	wkv16Impl = im.wkv16
	wkvPrepImpl = im.wkvPrep
	matVecS32S16Impl = im.matVecS32S16
	rankOneUpdateS32Impl = im.rankOneUpdateS32
	lsUpdateImpl = im.lsUpdate
}
