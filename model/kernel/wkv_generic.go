package kernel

// Portable Go reference implementation of WKV16. Its results are the
// definition in wkv.go; the assembly in wkv_amd64.s must match it bit for
// bit. Used on every architecture other than amd64, with -tags purego, by
// the avx2 implementation, and by the tests everywhere.

func wkv16Generic(st *[256]int32, kk, b, dec, kv, v, r *[16]int32, rsh, yShift uint, y *[16]int16) {
	var sa, acc [16]int64
	for j := 0; j < 16; j++ {
		col := st[j*16 : j*16+16 : j*16+16]
		kj := int64(kk[j])
		for i := 0; i < 16; i++ {
			sa[i] -= int64(col[i]) * kj
		}
	}
	for i := range sa {
		sa[i] = max(-1<<31, min(1<<31-1, sa[i]>>15))
	}
	for j := 0; j < 16; j++ {
		col := st[j*16 : j*16+16 : j*16+16]
		dj, bj, kj, rj := int64(dec[j]), int64(b[j]), int64(kv[j]), int64(r[j])
		for i := 0; i < 16; i++ {
			x := (int64(col[i])*dj)>>16 + (sa[i]*bj)>>15 + (int64(v[i])*kj)>>rsh
			x = max(-1<<31, min(1<<31-1, x))
			col[i] = int32(x)
			acc[i] += x * rj
		}
	}
	var half int64
	if yShift > 0 {
		half = 1 << (yShift - 1)
	}
	for i := range acc {
		y[i] = SatInt16((acc[i] + half) >> yShift)
	}
}
