package coder

// Logits are fixed-point log2 weights: a logit x stands for the weight
// 2^(x / 2^LogitFracBits), so one bit of odds (a factor of 2) is
// LogitOne = 256 and the resolution is 1/256 bit. A natural-log logit z
// converts as x = round(z * 256 / ln 2) ≈ round(z * 369.33).
const (
	// LogitFracBits is the number of fractional bits of a logit.
	LogitFracBits = 8
	// LogitOne is the logit difference that doubles a symbol's weight.
	LogitOne = 1 << LogitFracBits
)

const (
	// expCutoff is the logit difference, 20 bits, from which a weight
	// counts as 0. Such a symbol's share of the total is below 2^-20, so
	// it gets the minimum frequency of 1 either way.
	expCutoff = 20 << LogitFracBits

	// recipShift is the fixed-point position of the reciprocal in
	// SetLogits. With a total T <= 2^16, weights w <= 2^31 and their sum
	// S in [2^31, 2^47], recip = floor(T<<47 / S) <= 2^32, so T<<47,
	// w*recip and w*recip + 2^46 all fit in 64 bits.
	recipShift = 47
)

// expWeight[d] is the weight of a logit d/256 bits below the maximum:
// round(2^31 * 2^(-f/256)) >> k for d = 256k + f < expCutoff, and 0 from
// expCutoff on. It is derived from expTab with shifts alone, so it is the
// same on every machine, and it turns the exponential into one load. Its
// length is a power of two so that masking the index, a no-op for
// indexes up to expCutoff, replaces the bounds check; the entries past
// expCutoff are never read.
var expWeight = func() (t [expWeightLen]uint32) {
	for d := range expCutoff {
		t[d] = expTab[d%256] >> (d / 256)
	}
	return t
}()

const expWeightLen = 1 << 13 // > expCutoff

// SetLogits sets the table to the distribution p(i) ∝ 2^(logits[i]/256)
// with a total of 1<<totalBits, every frequency at least 1. It uses only
// integer arithmetic with a fixed evaluation order, so the table is
// bit-for-bit the same on every machine, GOARCH and build tag: archives
// coded with it decode anywhere. It requires 1 <= len(logits) <=
// 1<<totalBits <= 1<<MaxTotalBits; otherwise it returns ErrInvalidFreq
// and leaves t empty. It does not allocate once t has held a table of
// len(logits) symbols.
//
// The algorithm, with n = len(logits), T = 1<<totalBits, m the largest
// logit and a the first index holding it (the argmax, lowest index on
// ties):
//
//  1. d[i] = m - logits[i] >= 0, computed exactly in uint32.
//  2. w[i] = expWeight[min(d[i], expCutoff)], i.e. about
//     2^31 * 2^(-d[i]/256) with a 256-entry table for the fraction and a
//     shift for the integer part, and 0 from 20 bits below the maximum.
//     So w[a] = 2^31 and w never increases with d.
//  3. S = sum of w (uint64) and one division: recip = floor(T*2^47 / S).
//  4. freq[i] = max(1, round(w[i]*recip / 2^47)), halves rounded up: the
//     exact share T*w[i]/S, rounded, and at least 1.
//  5. The sum then differs from T by the rounding (a few units) plus one
//     unit for each symbol raised to 1. The difference is added to or
//     taken from freq[a], as long as freq[a] keeps more than half of its
//     value. Otherwise, which takes an alphabet with a flat top and many
//     symbols raised to 1, steps 4 and 5 are replaced by the fallback
//     freq[i] = 1 + floor(w[i]*recip' / 2^47) with recip' = floor((T-n)
//     *2^47 / S), whose sum is between T-n and T, and the symbols 0, 1,
//     ... get one more unit each until the sum is T.
//
// The result depends only on the differences between logits: adding the
// same constant to every logit leaves the table unchanged.
func (t *FreqTable) SetLogits(logits []int32, totalBits uint) error {
	n := len(logits)
	if err := checkSize(n, totalBits); err != nil {
		t.clear()
		return err
	}
	cum := t.reset(n, totalBits)

	// Step 1: the maximum and the first index that holds it.
	m, argmax := maxArgmax(logits)

	// Step 2: the weights, stored in cum[1:] until step 4 replaces
	// them with the cumulative frequencies.
	w := cum[1 : n+1]
	sum := expWeights(w, logits, m)

	// Steps 3 and 4.
	total := uint32(1) << totalBits
	acc := roundShares(w, (uint64(total)<<recipShift)/sum)

	// Step 5.
	fa := w[argmax]
	if argmax > 0 {
		fa -= w[argmax-1]
	}
	if excess := acc - total; int32(excess) > 0 && fa <= 2*excess {
		// Fallback: recompute the weights that step 4 overwrote.
		expWeights(w, logits, m)
		free := total - uint32(n)
		acc = floorShares(w, (uint64(free)<<recipShift)/sum)
		// rem is in [0, n]: the floors add up to at most free
		// because recip' is rounded down, and to more than
		// free - n - n*2^31/2^47 >= free - n - 1 since each floor
		// loses less than 1 and recip' less than 1.
		rem := total - acc
		for i := range rem {
			w[i] += i + 1
		}
		for i := int(rem); i < len(w); i++ {
			w[i] += rem
		}
		return nil
	}
	if delta := total - acc; delta != 0 {
		// Unsigned arithmetic wraps, so this also subtracts.
		addAll(w[argmax:], delta)
	}
	return nil
}

// The kernels below are the reference implementation of the steps of
// SetLogits: they define its results. SetLogits calls them through the
// wrappers maxArgmax, expWeights, roundShares, floorShares and addAll
// (logits_amd64.go, logits_other.go), which on amd64 hand the longest
// prefix of whole vectors to assembly that computes exactly the same
// integers and finish the rest here; the differential tests in
// logits_simd_test.go compare the two bit for bit.

// maxArgmaxGo returns the largest of logits (len >= 1) and the first
// index that holds it.
func maxArgmaxGo(logits []int32) (int32, int) {
	m, argmax := logits[0], 0
	for i, l := range logits {
		if l > m {
			m, argmax = l, i
		}
	}
	return m, argmax
}

// expWeightsGo sets w[i] to the weight of logits[i] relative to the
// maximum m (steps 1 and 2 of SetLogits) and returns their sum, which is
// at most len(w) * 2^31.
func expWeightsGo(w []uint32, logits []int32, m int32) uint64 {
	logits = logits[:len(w)]
	var sum uint64
	for i, l := range logits {
		// d = min(m-l, expCutoff) without a branch, which would be
		// mispredicted for logits near the cutoff. m-l is exact in
		// uint32 and x is negative exactly when m-l < expCutoff.
		x := int64(uint32(m)-uint32(l)) - expCutoff
		v := expWeight[(expCutoff+(x&(x>>63)))&(expWeightLen-1)]
		w[i] = v
		sum += uint64(v)
	}
	return sum
}

// roundSharesGo replaces each weight x in w by the running sum, starting
// from acc, of max(1, round(x*recip / 2^47)) and returns the final sum
// (step 4). The sum cannot overflow: each term is at most T.
func roundSharesGo(w []uint32, recip uint64, acc uint32) uint32 {
	const half = 1 << (recipShift - 1)
	for i, x := range w {
		f := uint32((uint64(x)*recip + half) >> recipShift)
		acc += max(f, 1)
		w[i] = acc
	}
	return acc
}

// floorSharesGo replaces each weight x in w by the running sum, starting
// from acc, of 1 + floor(x*recip / 2^47) and returns the final sum (the
// fallback).
func floorSharesGo(w []uint32, recip uint64, acc uint32) uint32 {
	for i, x := range w {
		acc += 1 + uint32((uint64(x)*recip)>>recipShift)
		w[i] = acc
	}
	return acc
}

// addAllGo adds delta to every element of w, modulo 2^32 (step 5).
func addAllGo(w []uint32, delta uint32) {
	for i := range w {
		w[i] += delta
	}
}

// expTab[f] = round(2^31 * 2^(-f/256)) for f in [0, 256): the fractional
// part of the integer exponential. The values are fixed here rather than
// computed with math.Exp2, whose last bit may differ between GOARCHes;
// TestExpTable checks them against a math/big computation.
var expTab = [256]uint32{
	0x80000000, 0x7fa765ad, 0x7f4f08ae, 0x7ef6e8da, 0x7e9f0606, 0x7e476009, 0x7deff6b6, 0x7d98c9e6,
	0x7d41d96e, 0x7ceb2523, 0x7c94acde, 0x7c3e7073, 0x7be86fba, 0x7b92aa88, 0x7b3d20b6, 0x7ae7d21a,
	0x7a92be8b, 0x7a3de5df, 0x79e947ef, 0x7994e492, 0x7940bb9e, 0x78ecccec, 0x78991854, 0x78459dac,
	0x77f25cce, 0x779f5590, 0x774c87cc, 0x76f9f359, 0x76a7980f, 0x765575c8, 0x76038c5b, 0x75b1dba2,
	0x75606374, 0x750f23ab, 0x74be1c20, 0x746d4cac, 0x741cb528, 0x73cc556d, 0x737c2d55, 0x732c3cba,
	0x72dc8374, 0x728d015d, 0x723db650, 0x71eea226, 0x719fc4b9, 0x71511de4, 0x7102ad80, 0x70b47368,
	0x70666f76, 0x7018a185, 0x6fcb096f, 0x6f7da710, 0x6f307a41, 0x6ee382de, 0x6e96c0c3, 0x6e4a33c9,
	0x6dfddbcc, 0x6db1b8a8, 0x6d65ca38, 0x6d1a1057, 0x6cce8ae1, 0x6c8339b2, 0x6c381ca6, 0x6bed3399,
	0x6ba27e65, 0x6b57fce9, 0x6b0daeff, 0x6ac39485, 0x6a79ad56, 0x6a2ff94f, 0x69e6784d, 0x699d2a2c,
	0x69540ec9, 0x690b2601, 0x68c26fb1, 0x6879ebb6, 0x683199ed, 0x67e97a34, 0x67a18c68, 0x6759d065,
	0x6712460b, 0x66caed35, 0x6683c5c3, 0x663ccf92, 0x65f60a7f, 0x65af766a, 0x6569132f, 0x6522e0ad,
	0x64dcdec3, 0x64970d4f, 0x64516c2e, 0x640bfb41, 0x63c6ba64, 0x6381a978, 0x633cc85b, 0x62f816eb,
	0x62b39509, 0x626f4292, 0x622b1f66, 0x61e72b65, 0x61a3666d, 0x615fd05e, 0x611c6919, 0x60d9307b,
	0x60962665, 0x60534ab7, 0x60109d51, 0x5fce1e12, 0x5f8bccdb, 0x5f49a98c, 0x5f07b405, 0x5ec5ec26,
	0x5e8451d0, 0x5e42e4e3, 0x5e01a53f, 0x5dc092c7, 0x5d7fad59, 0x5d3ef4d7, 0x5cfe6923, 0x5cbe0a1c,
	0x5c7dd7a4, 0x5c3dd19c, 0x5bfdf7e5, 0x5bbe4a61, 0x5b7ec8f2, 0x5b3f7377, 0x5b0049d4, 0x5ac14bea,
	0x5a82799a, 0x5a43d2c6, 0x5a055751, 0x59c7071c, 0x5988e209, 0x594ae7fb, 0x590d18d3, 0x58cf7474,
	0x5891fac1, 0x5854ab9b, 0x581786e6, 0x57da8c83, 0x579dbc57, 0x57611642, 0x57249a29, 0x56e847ef,
	0x56ac1f75, 0x567020a0, 0x56344b52, 0x55f89f70, 0x55bd1cdb, 0x5581c378, 0x55469329, 0x550b8bd4,
	0x54d0ad5a, 0x5495f7a1, 0x545b6a8b, 0x542105fd, 0x53e6c9da, 0x53acb607, 0x5372ca68, 0x533906e0,
	0x52ff6b55, 0x52c5f7aa, 0x528cabc3, 0x52538786, 0x521a8ad7, 0x51e1b59a, 0x51a907b4, 0x5170810b,
	0x51382182, 0x50ffe8fe, 0x50c7d765, 0x508fec9c, 0x50582888, 0x50208b0e, 0x4fe91413, 0x4fb1c37c,
	0x4f7a9930, 0x4f439514, 0x4f0cb70c, 0x4ed5ff00, 0x4e9f6cd4, 0x4e69006e, 0x4e32b9b4, 0x4dfc988c,
	0x4dc69cdd, 0x4d90c68b, 0x4d5b157e, 0x4d25899c, 0x4cf022ca, 0x4cbae0ef, 0x4c85c3f1, 0x4c50cbb8,
	0x4c1bf829, 0x4be7492b, 0x4bb2bea5, 0x4b7e587e, 0x4b4a169c, 0x4b15f8e6, 0x4ae1ff43, 0x4aae299b,
	0x4a7a77d4, 0x4a46e9d6, 0x4a137f88, 0x49e038d0, 0x49ad1598, 0x497a15c4, 0x4947393f, 0x49147fee,
	0x48e1e9ba, 0x48af768a, 0x487d2646, 0x484af8d6, 0x4818ee22, 0x47e70611, 0x47b5408c, 0x47839d7b,
	0x47521cc6, 0x4720be55, 0x46ef8210, 0x46be67e0, 0x468d6fae, 0x465c9961, 0x462be4e2, 0x45fb521a,
	0x45cae0f2, 0x459a9152, 0x456a6323, 0x453a564d, 0x450a6abb, 0x44daa054, 0x44aaf702, 0x447b6ead,
	0x444c0740, 0x441cc0a3, 0x43ed9ac0, 0x43be957f, 0x438fb0cb, 0x4360ec8d, 0x433248ae, 0x4303c518,
	0x42d561b4, 0x42a71e6c, 0x4278fb2b, 0x424af7da, 0x421d1462, 0x41ef50ae, 0x41c1aca7, 0x41942839,
	0x4166c34c, 0x41397dcc, 0x410c57a2, 0x40df50b8, 0x40b268fa, 0x4085a051, 0x4058f6a8, 0x402c6be9,
}
