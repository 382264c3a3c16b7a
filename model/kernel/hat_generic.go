package kernel

func hatAddGeneric(delta []int64, lo int, p, invH, bk int64) {
	for i := range delta {
		d := int64(16*(lo+i)) - p
		if d < 0 {
			d = -d
		}
		if e := 65536 - (d*invH)>>16; e > 0 {
			delta[i] += (bk * e) >> 16
		}
	}
}

func hatDotGeneric(dz []int64, lo int, p, invH int64) int64 {
	var acc int64
	for i, z := range dz {
		d := int64(16*(lo+i)) - p
		if d < 0 {
			d = -d
		}
		if e := 65536 - (d*invH)>>16; e > 0 {
			acc += (z * e) >> 16
		}
	}
	return acc
}

func gridGeneric(delta []int64, cell []uint8, frac []int32, o []int32, acc, step, rj int64) {
	cell, frac = cell[:len(delta)], frac[:len(delta)]
	for i := range delta {
		q := max(0, min(2*rj<<16, acc>>23+rj<<16))
		acc += step
		c, f := q>>16, q&0xffff
		cell[i], frac[i] = uint8(c), int32(f)
		a, b := int64(o[c]), int64(o[c+1])
		delta[i] = a + ((b-a)*f)>>16
	}
}
