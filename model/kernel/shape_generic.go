package kernel

func shapeGeneric(dst []int32, tab *[256]int32, acc, step, tail int32) {
	for i := range dst {
		b := acc>>16 + 128
		c := min(max(b, 0), 255)
		d := b - c
		if d < 0 {
			d = -d
		}
		dst[i] = tab[c] - d*tail
		acc += step
	}
}
