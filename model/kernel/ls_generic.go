package kernel

func lsUpdateGeneric(a *[16][16]int64, b *[16]int64, x *[16]int32, t int32, n int, dec, sh uint) {
	for j := 0; j < n; j++ {
		xj := int64(x[j]) << sh
		row := &a[j]
		for k := j; k < n; k++ {
			v := row[k]
			row[k] = v - v>>dec + xj*int64(x[k])
		}
		bj := b[j]
		b[j] = bj - bj>>dec + xj*int64(t)
	}
}
