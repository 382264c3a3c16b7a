package kernel

// The reference for Requant and Lerp16 (requant.go): what every
// accelerated twin must compute bit for bit.

func requantGeneric(dst []int16, acc, bias []int32, m, half, sh []int64, lo int64) {
	acc, m, half, sh = acc[:len(dst)], m[:len(dst)], half[:len(dst)], sh[:len(dst)]
	for i := range dst {
		a := int64(acc[i])
		if bias != nil {
			a += int64(bias[i])
		}
		dst[i] = int16(max(lo, min(32767, (a*m[i]+half[i])>>uint64(sh[i]))))
	}
}

func lerpGeneric(dst, a, b []int16, mu []int32) {
	a, b, mu = a[:len(dst)], b[:len(dst)], mu[:len(dst)]
	for i := range dst {
		d := int64(b[i]) - int64(a[i])
		dst[i] = int16(max(-32768, min(32767, int64(a[i])+(d*int64(mu[i])+1<<15)>>16)))
	}
}

func addQ4Generic(logits []int32, delta []int64) {
	delta = delta[:len(logits)]
	for i := range logits {
		logits[i] += int32(max(-1<<30, min(1<<30, (delta[i]+8)>>4)))
	}
}

func requantAddGeneric(dst []int16, acc []int32, base []int16, m, half, sh []int64) {
	acc, base, m, half, sh = acc[:len(dst)], base[:len(dst)], m[:len(dst)], half[:len(dst)], sh[:len(dst)]
	for i := range dst {
		dst[i] = SatInt16(int64(base[i]) + (int64(acc[i])*m[i]+half[i])>>uint64(sh[i]))
	}
}

func requantHeadGeneric(dst, acc, bias, add []int32, m, half, sh []int64) {
	acc, bias, add, m, half, sh = acc[:len(dst)], bias[:len(dst)], add[:len(dst)], m[:len(dst)], half[:len(dst)], sh[:len(dst)]
	for i := range dst {
		v := ((int64(acc[i])+int64(bias[i]))*m[i]+half[i])>>uint64(sh[i]) + int64(add[i])
		dst[i] = int32(max(-1<<30, min(1<<30, v)))
	}
}

func stepBiasGeneric(ob []int32, g []int64, half int64, sh uint) {
	g = g[:len(ob)]
	for i := range ob {
		ob[i] = int32(max(-1<<24, min(1<<24, int64(ob[i])-(g[i]+half)>>sh)))
	}
}

func rescale32Generic(dst []int32, g []int64, m, half, sh []int64) {
	g, m, half, sh = g[:len(dst)], m[:len(dst)], half[:len(dst)], sh[:len(dst)]
	for i := range dst {
		dst[i] = SatInt32((g[i]*m[i] + half[i]) >> uint64(sh[i]))
	}
}

func rescale16Generic(dst, src []int16, m, half int64, sh uint) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] = int16(max(-32768, min(32767, (int64(src[i])*m+half)>>(sh&63))))
	}
}
