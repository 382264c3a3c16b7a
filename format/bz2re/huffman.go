package bz2re

// Huffman coding as libbzip2 1.0.x does it. Every detail below changes the
// output bits, so each follows the reference behaviour:
//   - 2..6 tables by the number of symbols; the alphabet is first cut into
//     ranges of about equal frequency, one per table (table nGroups-1 gets
//     the lowest symbols), a range giving back its last symbol on every
//     second cut;
//   - four rounds: every group of 50 symbols picks the table that codes it
//     cheapest (the first on ties), then each table is rebuilt from the
//     symbols of the groups that picked it;
//   - code lengths from a binary heap over weights freq<<8 | depth, where
//     merging adds the frequencies and takes 1 + the larger depth; when a
//     code exceeds the length limit all frequencies are halved (f/2+1)
//     and the tree is rebuilt;
//   - canonical codes: by length, then by symbol.

const (
	maxAlpha  = 258
	maxGroups = 6
	groupSize = 50
	nIters    = 4
	// maxCodeLen is libbzip2's limit since 1.0.3; 1.0.0-1.0.2 used
	// legacyCodeLen.
	maxCodeLen    = 17
	legacyCodeLen = 20
)

// codeLengths fills lens[:alphaSize] for the frequencies freq[:alphaSize].
func codeLengths(lens []uint8, freq []int32, alphaSize, maxLen int) {
	var heap [maxAlpha + 2]int32
	var weight [maxAlpha * 2]int32
	var parent [maxAlpha * 2]int32

	for i := 0; i < alphaSize; i++ {
		f := freq[i]
		if f == 0 {
			f = 1
		}
		weight[i+1] = f << 8
	}
	for {
		nNodes := int32(alphaSize)
		nHeap := 0
		heap[0] = 0
		weight[0] = 0
		parent[0] = -2

		up := func(z int) {
			tmp := heap[z]
			for weight[tmp] < weight[heap[z>>1]] {
				heap[z] = heap[z>>1]
				z >>= 1
			}
			heap[z] = tmp
		}
		down := func(z int) {
			tmp := heap[z]
			for {
				y := z << 1
				if y > nHeap {
					break
				}
				if y < nHeap && weight[heap[y+1]] < weight[heap[y]] {
					y++
				}
				if weight[tmp] < weight[heap[y]] {
					break
				}
				heap[z] = heap[y]
				z = y
			}
			heap[z] = tmp
		}

		for i := 1; i <= alphaSize; i++ {
			parent[i] = -1
			nHeap++
			heap[nHeap] = int32(i)
			up(nHeap)
		}
		for nHeap > 1 {
			n1 := heap[1]
			heap[1] = heap[nHeap]
			nHeap--
			down(1)
			n2 := heap[1]
			heap[1] = heap[nHeap]
			nHeap--
			down(1)
			nNodes++
			parent[n1] = nNodes
			parent[n2] = nNodes
			w1, w2 := weight[n1], weight[n2]
			d := max(w1&0xff, w2&0xff)
			weight[nNodes] = (w1&^0xff + w2&^0xff) | (1 + d)
			parent[nNodes] = -1
			nHeap++
			heap[nHeap] = nNodes
			up(nHeap)
		}

		tooLong := false
		for i := 1; i <= alphaSize; i++ {
			j := 0
			for k := int32(i); parent[k] >= 0; k = parent[k] {
				j++
			}
			lens[i-1] = uint8(j)
			if j > maxLen {
				tooLong = true
			}
		}
		if !tooLong {
			return
		}
		// libbzip2 before 1.0.3 skipped the last symbol here; it is EOB,
		// whose count is at most 1 per table, so halving never changes it
		// and the two versions agree.
		for i := 1; i <= alphaSize; i++ {
			j := weight[i] >> 8
			j = 1 + j/2
			weight[i] = j << 8
		}
	}
}

// assignCodes gives canonical codes: shorter first, then by symbol.
func assignCodes(codes []uint32, lens []uint8, alphaSize int) {
	minLen, maxLen := 32, 0
	for _, l := range lens[:alphaSize] {
		minLen = min(minLen, int(l))
		maxLen = max(maxLen, int(l))
	}
	vec := uint32(0)
	for n := minLen; n <= maxLen; n++ {
		for i := 0; i < alphaSize; i++ {
			if int(lens[i]) == n {
				codes[i] = vec
				vec++
			}
		}
		vec <<= 1
	}
}

type tables struct {
	nGroups int
	sel     []uint8 // table chosen by each group of 50 symbols
	lens    [maxGroups][maxAlpha]uint8
	codes   [maxGroups][maxAlpha]uint32
	rfreq   [maxGroups][maxAlpha]int32
}

func numTables(nMTF int) int {
	switch {
	case nMTF < 200:
		return 2
	case nMTF < 600:
		return 3
	case nMTF < 1200:
		return 4
	case nMTF < 2400:
		return 5
	}
	return 6
}

// build chooses the tables and the selectors for mtfv, whose symbol counts
// are freq.
func (tb *tables) build(mtfv []uint16, freq []int32, alphaSize, maxLen int) {
	const lesser, greater = 0, 15
	nMTF := len(mtfv)
	nGroups := numTables(nMTF)
	tb.nGroups = nGroups
	for t := range tb.lens {
		for v := 0; v < alphaSize; v++ {
			tb.lens[t][v] = greater
		}
	}

	// Initial ranges of about nMTF/nGroups symbols each.
	nPart := nGroups
	remF := nMTF
	gs := 0
	for nPart > 0 {
		tFreq := remF / nPart
		ge := gs - 1
		aFreq := 0
		for aFreq < tFreq && ge < alphaSize-1 {
			ge++
			aFreq += int(freq[ge])
		}
		if ge > gs && nPart != nGroups && nPart != 1 && (nGroups-nPart)%2 == 1 {
			aFreq -= int(freq[ge])
			ge--
		}
		for v := 0; v < alphaSize; v++ {
			if v >= gs && v <= ge {
				tb.lens[nPart-1][v] = lesser
			} else {
				tb.lens[nPart-1][v] = greater
			}
		}
		nPart--
		gs = ge + 1
		remF -= aFreq
	}

	nSel := (nMTF + groupSize - 1) / groupSize
	if cap(tb.sel) < nSel {
		tb.sel = make([]uint8, nSel)
	}
	tb.sel = tb.sel[:nSel]
	for iter := 0; iter < nIters; iter++ {
		for t := 0; t < nGroups; t++ {
			clear(tb.rfreq[t][:alphaSize])
		}
		for g := 0; g < nSel; g++ {
			gs := g * groupSize
			ge := min(gs+groupSize, nMTF)
			var cost [maxGroups]int32
			for _, v := range mtfv[gs:ge] {
				for t := 0; t < nGroups; t++ {
					cost[t] += int32(tb.lens[t][v])
				}
			}
			bt := 0
			for t := 1; t < nGroups; t++ {
				if cost[t] < cost[bt] {
					bt = t
				}
			}
			tb.sel[g] = uint8(bt)
			rf := &tb.rfreq[bt]
			for _, v := range mtfv[gs:ge] {
				rf[v]++
			}
		}
		for t := 0; t < nGroups; t++ {
			codeLengths(tb.lens[t][:], tb.rfreq[t][:], alphaSize, maxLen)
		}
	}
	for t := 0; t < nGroups; t++ {
		assignCodes(tb.codes[t][:], tb.lens[t][:], alphaSize)
	}
}
