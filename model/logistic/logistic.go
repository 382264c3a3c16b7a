// Package logistic holds the integer logistic functions of dcar's
// context-mixing models: squash (a logit to a probability) and stretch
// (its inverse), as tables built with integer arithmetic only, so that
// every machine computes the same bits.
package logistic

// Probabilities inside the model are 12-bit (1..4095 = P(bit=1)*4096);
// the mixer works on their logits ("stretch" domain), integers in
// [-2047, 2047] = ln(p/(1-p)) in units of 1/256.
//
// Both tables are computed with integer arithmetic only: the platform's
// math.Exp (and whether the compiler fuses multiply-adds) could differ in
// the last bit between GOARCHes, and a single differing entry would make
// an archive undecodable elsewhere.

var (
	squashTab  [4096]int32 // squashTab[x+2048] = 4096/(1+e^(-x/256)), rounded, clamped to 1..4095
	stretchTab [4096]int32 // stretchTab[p] = the smallest x with squash(x) >= p
	// squash16Tab[x+WideMax] = 65536/(1+e^(-x/256)), rounded, clamped
	// to 1..65535, over the wide logit domain of a final mixer.
	squash16Tab [2*WideMax + 1]int32
)

// WideMax bounds the logit of a wide mixer (±16 in units of 1/256): its
// 16-bit probability reaches 1/65536, where the 12-bit one stops at
// 1/4096 (a certain decision then costs 0.00002 bits, not 0.00035).
const WideMax = 4095

// expNeg256 = round(2^40 * e^(-1/256)): one step of e^(-x/256) in Q40.
const expNeg256 = 1095225038176

func init() {
	// e[i] = e^(-i/256) in Q40 by repeated multiplication; the relative
	// error after 2048 steps is below 2^-28, far under the rounding step
	// of the 12-bit results.
	var e [WideMax + 1]uint64
	e[0] = 1 << 40
	for i := 1; i <= WideMax; i++ {
		hi := e[i-1] >> 20
		lo := e[i-1] & (1<<20 - 1)
		e[i] = (hi*expNeg256 + (lo*expNeg256)>>20 + 1<<19) >> 20
	}
	for x := 0; x < 2048; x++ {
		// 4096 / (1 + e^-x) = 4096 * 2^40 / (2^40 + e)
		v := int32((uint64(4096)<<40 + (1<<40+e[x])/2) / (1<<40 + e[x]))
		v = min(max(v, 1), 4095)
		squashTab[2048+x] = v
		squashTab[2048-x] = 4096 - v
	}
	squashTab[0] = 1
	pi := int32(0)
	for x := -2047; x <= 2047; x++ {
		v := Squash(int32(x))
		for j := pi; j <= v; j++ {
			stretchTab[j] = int32(x)
		}
		pi = v + 1
	}
	for j := pi; j < 4096; j++ {
		stretchTab[j] = 2047
	}
	for x := 0; x <= WideMax; x++ {
		v := int32((uint64(65536)<<40 + (1<<40+e[x])/2) / (1<<40 + e[x]))
		v = min(max(v, 1), 65535)
		squash16Tab[WideMax+x] = v
		squash16Tab[WideMax-x] = 65536 - v
	}
}

// Squash16 maps a logit to a 16-bit probability; x is clamped to
// ±WideMax.
func Squash16(x int32) int32 {
	x = min(max(x, -WideMax), WideMax)
	return squash16Tab[x+WideMax]
}

// Squash maps a logit to a 12-bit probability; x is clamped to ±2047.
func Squash(x int32) int32 {
	x = min(max(x, -2047), 2047)
	return squashTab[x+2048]
}

// Stretch is the inverse of squash on 0..4095.
func Stretch(p int32) int32 { return stretchTab[p] }
