package bz2re

// Symbols after the move-to-front stage: runs of MTF index 0 are written
// in bijective base 2 with RUNA (digit 1) and RUNB (digit 2), least
// significant first; index j > 0 becomes symbol j+1; EOB = nInUse+1 ends
// the block. Bytes are first renumbered to 0..nInUse-1 in byte order over
// the bytes the block uses.
const (
	runA = 0
	runB = 1
)

// mtfValues writes the block's symbols into mtfv (cap >= len(last)+1) and
// their counts into freq (len >= 258).
func mtfValues(last []byte, mtfv []uint16, freq []int32) (nMTF int, inUse *[256]bool, nInUse int) {
	inUse = new([256]bool)
	for _, c := range last {
		inUse[c] = true
	}
	var seq [256]byte
	for c := 0; c < 256; c++ {
		if inUse[c] {
			seq[c] = byte(nInUse)
			nInUse++
		}
	}
	eob := nInUse + 1
	for i := 0; i <= eob; i++ {
		freq[i] = 0
	}
	var yy [256]byte
	for i := 0; i < nInUse; i++ {
		yy[i] = byte(i)
	}
	wr := 0
	zPend := 0
	for _, c := range last {
		ll := seq[c]
		if yy[0] == ll {
			zPend++
			continue
		}
		if zPend > 0 {
			wr = putRun(mtfv, wr, zPend, freq)
			zPend = 0
		}
		tmp := yy[1]
		yy[1] = yy[0]
		j := 1
		for ll != tmp {
			j++
			tmp, yy[j] = yy[j], tmp
		}
		yy[0] = tmp
		mtfv[wr] = uint16(j + 1)
		freq[j+1]++
		wr++
	}
	if zPend > 0 {
		wr = putRun(mtfv, wr, zPend, freq)
	}
	mtfv[wr] = uint16(eob)
	freq[eob]++
	wr++
	return wr, inUse, nInUse
}

func putRun(mtfv []uint16, wr, run int, freq []int32) int {
	run--
	for {
		s := uint16(runA)
		if run&1 != 0 {
			s = runB
		}
		mtfv[wr] = s
		freq[s]++
		wr++
		if run < 2 {
			return wr
		}
		run = (run - 2) / 2
	}
}
