package kernel

// Portable Go element-wise kernels: the reference for the vectorised ones
// in elem_amd64.s, called by the exported Gate and SigmoidVec (elem.go)
// through the active implementation.

func gateGeneric(dst, a []int16, g []uint16) {
	a, g = a[:len(dst)], g[:len(dst)]
	c := newRShift(16)
	for i := range dst {
		dst[i] = int16(c.apply(int64(a[i]) * int64(g[i])))
	}
}

func sigmoidGeneric(dst []uint16, x []int16) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = Sigmoid(v)
	}
}
