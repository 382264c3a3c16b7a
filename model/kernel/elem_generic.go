package kernel

// Portable Go element-wise kernels: the reference for the vectorised ones
// in elem_amd64.s, called by the exported functions in fixed.go and
// nonlinear.go through the active implementation.

func requantI8Generic(dst []int8, src []int32, s Scale) {
	src = src[:len(dst)]
	c := s.scaler()
	for i, v := range src {
		dst[i] = SatInt8(c.apply(v))
	}
}

func requantI16Generic(dst []int16, src []int32, s Scale) {
	src = src[:len(dst)]
	c := s.scaler()
	for i, v := range src {
		dst[i] = SatInt16(c.apply(v))
	}
}

func requantU8Generic(dst []uint8, src []int32, s Scale, zero int32) {
	src = src[:len(dst)]
	c := s.scaler()
	z := int64(zero)
	for i, v := range src {
		dst[i] = SatUint8(c.apply(v) + z)
	}
}

func addI16Generic(dst, a, b []int16, shiftB int) {
	a, b = a[:len(dst)], b[:len(dst)]
	if shiftB < 0 {
		l := uint(-shiftB)
		for i := range dst {
			dst[i] = SatInt16(int64(a[i]) + int64(b[i])<<l)
		}
		return
	}
	c := newRShift(uint(shiftB))
	for i := range dst {
		dst[i] = SatInt16(int64(a[i]) + c.apply(int64(b[i])))
	}
}

func mulI16Generic(dst, a, b []int16, shift uint) {
	a, b = a[:len(dst)], b[:len(dst)]
	c := newRShift(shift)
	for i := range dst {
		dst[i] = SatInt16(c.apply(int64(a[i]) * int64(b[i])))
	}
}

func gateGeneric(dst, a []int16, g []uint16) {
	a, g = a[:len(dst)], g[:len(dst)]
	c := newRShift(16)
	for i := range dst {
		dst[i] = int16(c.apply(int64(a[i]) * int64(g[i])))
	}
}

func lerpGeneric(dst, a, b []int16, mu []uint16) {
	a, b, mu = a[:len(dst)], b[:len(dst)], mu[:len(dst)]
	c := newRShift(16)
	for i := range dst {
		d := int64(b[i]) - int64(a[i])
		dst[i] = int16(int64(a[i]) + c.apply(d*int64(mu[i])))
	}
}

func reluSqU8Generic(dst []uint8, x []int16, shift uint) {
	x = x[:len(dst)]
	c := newRShift(shift)
	for i, v := range x {
		v64 := int64(max(v, 0))
		dst[i] = SatUint8(c.apply(v64 * v64))
	}
}

func sigmoidGeneric(dst []uint16, x []int16) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = Sigmoid(v)
	}
}
