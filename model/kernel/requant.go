package kernel

// Requantisation and the token-shift interpolation: the element-wise
// integer steps between the network's matrix products (issue #16 moved
// them here from package model's loops). Exported entry points; the
// reference is requant_generic.go, the AVX-512 twins requant_amd64.s.

// A Requantizer holds per-row Scales prepared for Requant: multiplier,
// rounding half 2^(Shift-1) (0 for Shift 0 and for Shift >= 64, as Go's
// 1<<Shift>>1) and shift, each as int64.
type Requantizer struct {
	m, half, sh []int64
}

// NewRequantizer prepares scales for Requant.
func NewRequantizer(scales []Scale) *Requantizer {
	r := &Requantizer{m: make([]int64, len(scales)), half: make([]int64, len(scales)), sh: make([]int64, len(scales))}
	for i, s := range scales {
		r.m[i], r.half[i], r.sh[i] = int64(s.Mult), int64(1)<<s.Shift>>1, int64(s.Shift)
	}
	return r
}

// Len is the number of rows r prepares.
func (r *Requantizer) Len() int { return len(r.m) }

// Requant sets dst[i] = SatInt16(max(lo, (a·Mult_i + 2^(Shift_i-1)) >>
// Shift_i)) for i < len(dst), with a = acc[i] + bias[i] in int64 (bias may
// be nil: 0) and lo = 0 with relu, else -32768. The product and sum wrap
// in int64 as Go's do; >> floors, a shift of 64 or more leaves the sign.
// It panics if acc, bias (when not nil) or r are shorter than dst.
func Requant(dst []int16, acc, bias []int32, r *Requantizer, relu bool) {
	n := len(dst)
	acc = acc[:n]
	if bias != nil {
		bias = bias[:n]
	}
	lo := int64(-32768)
	if relu {
		lo = 0
	}
	ek.requant(dst, acc, bias, r.m[:n], r.half[:n], r.sh[:n], lo)
}

// Lerp16 sets dst[i] = SatInt16(a[i] + ((b[i]-a[i])·mu[i] + 2^15) >> 16)
// for i < len(dst), in int64 with a flooring shift: the token shift with a
// signed Q16 mix mu, rounded half up. It panics if an input is shorter
// than dst; dst may be a or b.
func Lerp16(dst, a, b []int16, mu []int32) {
	n := len(dst)
	ek.lerp(dst, a[:n], b[:n], mu[:n])
}

// AddRoundedQ4 sets logits[i] += int32(clamp((delta[i] + 8) >> 4, -2^30,
// 2^30)) for i < len(logits) (the add wraps in int32, as Go's): a Q4
// delta rounded half up and added to int32 logits. It panics if delta is
// shorter than logits.
func AddRoundedQ4(logits []int32, delta []int64) {
	ek.addQ4(logits, delta[:len(logits)])
}

// RequantAdd sets dst[i] = SatInt16(base[i] + (acc[i]·Mult_i +
// 2^(Shift_i-1)) >> Shift_i) for i < len(dst): a residual connection
// after a requantised product (int64, wrapping and flooring as Requant).
func RequantAdd(dst []int16, acc []int32, base []int16, r *Requantizer) {
	n := len(dst)
	ek.requantAdd(dst, acc[:n], base[:n], r.m[:n], r.half[:n], r.sh[:n])
}

// RequantHead sets dst[i] = clamp((acc[i] + bias[i])·Mult_i +
// 2^(Shift_i-1)) >> Shift_i) + add[i], -2^30, 2^30) for i < len(dst): the
// head's outputs with their adapted bias (int64, as Requant).
func RequantHead(dst, acc, bias, add []int32, r *Requantizer) {
	n := len(dst)
	ek.requantHead(dst, acc[:n], bias[:n], add[:n], r.m[:n], r.half[:n], r.sh[:n])
}

// StepBias sets ob[i] = int32(clamp(ob[i] - (g[i] + half) >> sh, -2^24,
// 2^24)) for i < len(ob): a gradient step on the adapted head bias (int64,
// wrapping and flooring as Go's).
func StepBias(ob []int32, g []int64, half int64, sh uint) {
	ek.stepBias(ob, g[:len(ob)], half, sh)
}

// RescaleSat32 sets dst[i] = SatInt32((g[i]·Mult_i + 2^(Shift_i-1)) >>
// Shift_i) for i < len(dst) (int64 as Requant): the adaptation's step per
// head row.
func RescaleSat32(dst []int32, g []int64, r *Requantizer) {
	n := len(dst)
	ek.rescale32(dst, g[:n], r.m[:n], r.half[:n], r.sh[:n])
}

// RescaleS16 sets dst[i] = Sat16((src[i]·m + half) >> sh): one scale for
// every element (int64 product, wrapping as Go's; the flooring shift
// by sh & 63; Sat16 the clamp to the int16 range).
func RescaleS16(dst, src []int16, m, half int64, sh uint) {
	ek.rescale16(dst, src[:len(dst)], m, half, sh&63)
}
