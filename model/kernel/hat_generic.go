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
