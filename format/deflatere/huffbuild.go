package deflatere

import "sort"

// Huffman code length builders and dynamic header writers of the common
// encoders, as deterministic references for the version 2 side data: the
// lengths and header of a dynamic block are coded against what zopfli or
// zlib would write (dynheader.go). Both are integer-only and exact; an
// encoder that does otherwise costs more bits, never correctness.

// pmLengths are the length-limited Huffman code lengths of freq by
// boundary package-merge, as zopfli's ZopfliLengthLimitedCodeLengths
// computes them (leaves sorted by weight, then symbol).
func pmLengths(freq []uint32, maxBits int, out []uint8) {
	clear(out)
	type leaf struct {
		w   uint64
		sym int
	}
	var leaves []leaf
	for i, f := range freq {
		if f != 0 {
			leaves = append(leaves, leaf{uint64(f), i})
		}
	}
	n := len(leaves)
	switch {
	case n == 0:
		return
	case n == 1:
		out[leaves[0].sym] = 1
		return
	case n == 2:
		out[leaves[0].sym], out[leaves[1].sym] = 1, 1
		return
	case n > 1<<maxBits:
		return // cannot happen for deflate alphabets
	}
	sort.Slice(leaves, func(a, b int) bool {
		if leaves[a].w != leaves[b].w {
			return leaves[a].w < leaves[b].w
		}
		return leaves[a].sym < leaves[b].sym
	})
	if n-1 < maxBits {
		maxBits = n - 1
	}
	type node struct {
		w     uint64
		count int
		tail  int // index into pool, -1 none
	}
	pool := make([]node, 0, 2*maxBits*n+4)
	newNode := func(w uint64, count, tail int) int {
		pool = append(pool, node{w, count, tail})
		return len(pool) - 1
	}
	lists := make([][2]int, maxBits)
	n0 := newNode(leaves[0].w, 1, -1)
	n1 := newNode(leaves[1].w, 2, -1)
	for i := range lists {
		lists[i] = [2]int{n0, n1}
	}
	var bpm func(index int)
	bpm = func(index int) {
		last := pool[lists[index][1]].count
		if index == 0 && last >= n {
			return
		}
		old := lists[index][1]
		if index == 0 {
			nc := newNode(leaves[last].w, last+1, -1)
			lists[index] = [2]int{old, nc}
			return
		}
		sum := pool[lists[index-1][0]].w + pool[lists[index-1][1]].w
		if last < n && sum > leaves[last].w {
			nc := newNode(leaves[last].w, last+1, pool[old].tail)
			lists[index] = [2]int{old, nc}
			return
		}
		nc := newNode(sum, last, lists[index-1][1])
		lists[index] = [2]int{old, nc}
		bpm(index - 1)
		bpm(index - 1)
	}
	runs := 2*n - 4
	for i := 0; i < runs-1; i++ {
		bpm(maxBits - 1)
	}
	// final run
	idx := maxBits - 1
	last := pool[lists[idx][1]].count
	sum := pool[lists[idx-1][0]].w + pool[lists[idx-1][1]].w
	if last < n && sum > leaves[last].w {
		nc := newNode(0, last+1, pool[lists[idx][1]].tail)
		lists[idx][1] = nc
	} else {
		pool[lists[idx][1]].tail = lists[idx-1][1]
	}
	// extract: counts along the chain
	var counts [17]int
	end := 16
	for c := lists[idx][1]; c >= 0; c = pool[c].tail {
		end--
		counts[end] = pool[c].count
	}
	val := counts[15]
	value := uint8(1)
	for ptr := 15; ptr >= end; ptr-- {
		lo := 0
		if ptr-1 >= 0 {
			lo = counts[ptr-1]
		}
		if ptr == end {
			lo = 0
		}
		for ; val > lo; val-- {
			out[leaves[val-1].sym] = value
		}
		value++
	}
}

// zlibLengths are the code lengths zlib's build_tree and gen_bitlen give
// freq (heap order, depth tie-break, overflow fix-up); fewer than two
// used symbols get dummy ones as zlib adds them.
func zlibLengths(freq []uint32, maxLen int, out []uint8) {
	elems := len(freq)
	fr := make([]uint64, 2*elems+1)
	for i, f := range freq {
		fr[i] = uint64(f)
	}
	depth := make([]uint8, 2*elems+1)
	dad := make([]int, 2*elems+1)
	ln := make([]int, 2*elems+1)
	const heapSize = 2*286 + 1
	heap := make([]int, heapSize+1)
	heapLen, heapMax := 0, heapSize
	maxCode := -1
	clear(out)
	for i := range freq {
		if freq[i] != 0 {
			heapLen++
			heap[heapLen] = i
			maxCode = i
		}
	}
	for heapLen < 2 {
		nd := 0
		if maxCode < 2 {
			maxCode++
			nd = maxCode
		}
		heapLen++
		heap[heapLen] = nd
		fr[nd] = 1
		depth[nd] = 0
	}
	smaller := func(a, b int) bool {
		return fr[a] < fr[b] || (fr[a] == fr[b] && depth[a] <= depth[b])
	}
	down := func(k int) {
		v := heap[k]
		j := k << 1
		for j <= heapLen {
			if j < heapLen && smaller(heap[j+1], heap[j]) {
				j++
			}
			if smaller(v, heap[j]) {
				break
			}
			heap[k] = heap[j]
			k = j
			j <<= 1
		}
		heap[k] = v
	}
	for k := heapLen / 2; k >= 1; k-- {
		down(k)
	}
	nd := elems
	for {
		n := heap[1]
		heap[1] = heap[heapLen]
		heapLen--
		down(1)
		m := heap[1]
		heapMax--
		heap[heapMax] = n
		heapMax--
		heap[heapMax] = m
		fr[nd] = fr[n] + fr[m]
		depth[nd] = max(depth[n], depth[m]) + 1
		dad[n], dad[m] = nd, nd
		heap[1] = nd
		nd++
		down(1)
		if heapLen < 2 {
			break
		}
	}
	heapMax--
	heap[heapMax] = heap[1]
	// gen_bitlen
	var blCount [16]int
	ln[heap[heapMax]] = 0
	overflow := 0
	h := heapMax + 1
	for ; h < heapSize; h++ {
		n := heap[h]
		bits := ln[dad[n]] + 1
		if bits > maxLen {
			bits = maxLen
			overflow++
		}
		ln[n] = bits
		if n > maxCode {
			continue
		}
		blCount[bits]++
	}
	if overflow > 0 {
		for overflow > 0 {
			bits := maxLen - 1
			for blCount[bits] == 0 {
				bits--
			}
			blCount[bits]--
			blCount[bits+1] += 2
			blCount[maxLen]--
			overflow -= 2
		}
		h = heapSize
		for bits := maxLen; bits != 0; bits-- {
			n := blCount[bits]
			for n != 0 {
				h--
				m := heap[h]
				if m > maxCode {
					continue
				}
				ln[m] = bits
				n--
			}
		}
	}
	for i := 0; i <= maxCode && i < elems; i++ {
		if fr[i] != 0 {
			out[i] = uint8(ln[i])
		}
	}
}

// rleOptimize is zopfli's OptimizeHuffmanForRle: counts smoothed so that
// the code lengths run-length encode better.
func rleOptimize(counts []uint32) {
	length := len(counts)
	for ; length >= 0; length-- {
		if length == 0 {
			return
		}
		if counts[length-1] != 0 {
			break
		}
	}
	good := make([]bool, length)
	symbol := counts[0]
	stride := 0
	for i := 0; i < length+1; i++ {
		if i == length || counts[i] != symbol {
			if (symbol == 0 && stride >= 5) || (symbol != 0 && stride >= 7) {
				for k := 0; k < stride; k++ {
					good[i-k-1] = true
				}
			}
			stride = 1
			if i != length {
				symbol = counts[i]
			}
		} else {
			stride++
		}
	}
	stride = 0
	limit := uint64(counts[0])
	sum := uint64(0)
	for i := 0; i < length+1; i++ {
		if i == length || good[i] || absDiff(uint64(counts[i]), limit) >= 4 {
			if stride >= 4 || (stride >= 3 && sum == 0) {
				count := (sum + uint64(stride)/2) / uint64(stride)
				if count < 1 {
					count = 1
				}
				if sum == 0 {
					count = 0
				}
				for k := 0; k < stride; k++ {
					counts[i-k-1] = uint32(count)
				}
			}
			stride = 0
			sum = 0
			switch {
			case i < length-3:
				limit = (uint64(counts[i]) + uint64(counts[i+1]) + uint64(counts[i+2]) + uint64(counts[i+3]) + 2) / 4
			case i < length:
				limit = uint64(counts[i])
			default:
				limit = 0
			}
		}
		stride++
		if i != length {
			sum += uint64(counts[i])
		}
	}
}

func absDiff(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return b - a
}

// patchDist is zopfli's PatchDistanceCodesForBuggyDecoders: at least two
// distance codes.
func patchDist(d []uint8) {
	n := 0
	for i := 0; i < 30; i++ {
		if d[i] != 0 {
			n++
		}
		if n >= 2 {
			return
		}
	}
	if n == 0 {
		d[0], d[1] = 1, 1
	} else if d[0] != 0 {
		d[1] = 1
	} else {
		d[0] = 1
	}
}

// clSym is one code length symbol of a dynamic header with its extra bits.
type clSym struct {
	sym, extra uint8
}

// headerZopfli is zopfli's EncodeTree with the given repeat codes: the
// code length symbols (one run over literal and distance lengths) and
// the header's size in bits.
func headerZopfli(lit, dist []uint8, use16, use17, use18 bool, w *bitWriter) int {
	hlit, hdist := 29, 29
	for hlit > 0 && lit[257+hlit-1] == 0 {
		hlit--
	}
	for hdist > 0 && dist[1+hdist-1] == 0 {
		hdist--
	}
	hlit2 := hlit + 257
	total := hlit2 + hdist + 1
	at := func(j int) uint8 {
		if j < hlit2 {
			return lit[j]
		}
		return dist[j-hlit2]
	}
	var rle []clSym
	var cnt [19]uint32
	for i := 0; i < total; i++ {
		sym := at(i)
		count := 1
		if use16 || (sym == 0 && (use17 || use18)) {
			for j := i + 1; j < total && at(j) == sym; j++ {
				count++
			}
		}
		i += count - 1
		if sym == 0 && count >= 3 {
			if use18 {
				for count >= 11 {
					c2 := min(count, 138)
					rle = append(rle, clSym{18, uint8(c2 - 11)})
					cnt[18]++
					count -= c2
				}
			}
			if use17 {
				for count >= 3 {
					c2 := min(count, 10)
					rle = append(rle, clSym{17, uint8(c2 - 3)})
					cnt[17]++
					count -= c2
				}
			}
		}
		if use16 && count >= 4 {
			count--
			cnt[sym]++
			rle = append(rle, clSym{sym, 0})
			for count >= 3 {
				c2 := min(count, 6)
				rle = append(rle, clSym{16, uint8(c2 - 3)})
				cnt[16]++
				count -= c2
			}
		}
		cnt[sym] += uint32(count)
		for ; count > 0; count-- {
			rle = append(rle, clSym{sym, 0})
		}
	}
	var cl [19]uint8
	pmLengths(cnt[:], 7, cl[:])
	hclen := 15
	for hclen > 0 && cnt[clOrder[hclen+4-1]] == 0 {
		hclen--
	}
	size := 14 + (hclen+4)*3 + int(cnt[16])*2 + int(cnt[17])*3 + int(cnt[18])*7
	for i := range cl {
		size += int(cl[i]) * int(cnt[i])
	}
	if w != nil {
		writeHeader(w, hlit, hdist, hclen, &cl, rle)
	}
	return size
}

// headerZopfliBest is zopfli's AddDynamicTree: the smallest of the eight
// repeat-code choices (the first on ties).
func headerZopfliBest(lit, dist []uint8, w *bitWriter) {
	best, bestSize := 0, 0
	for i := 0; i < 8; i++ {
		s := headerZopfli(lit, dist, i&1 != 0, i&2 != 0, i&4 != 0, nil)
		if bestSize == 0 || s < bestSize {
			best, bestSize = i, s
		}
	}
	headerZopfli(lit, dist, best&1 != 0, best&2 != 0, best&4 != 0, w)
}

// headerZlib is zlib's scan_tree/build_bl_tree/send_all_trees: literal
// and distance lengths run-length coded separately.
func headerZlib(lit, dist []uint8, w *bitWriter) {
	lcodes, dcodes := 257, 1
	for i := 285; i >= 257; i-- {
		if lit[i] != 0 {
			lcodes = i + 1
			break
		}
	}
	for i := 29; i >= 1; i-- {
		if dist[i] != 0 {
			dcodes = i + 1
			break
		}
	}
	var rle []clSym
	scan := func(t []uint8) {
		prev, next, count := -1, int(t[0]), 0
		maxCount, minCount := 7, 4
		if next == 0 {
			maxCount, minCount = 138, 3
		}
		for n := 0; n < len(t); n++ {
			cur := next
			next = 0xffff
			if n+1 < len(t) {
				next = int(t[n+1])
			}
			count++
			if count < maxCount && cur == next {
				continue
			}
			switch {
			case count < minCount:
				for ; count > 0; count-- {
					rle = append(rle, clSym{uint8(cur), 0})
				}
			case cur != 0:
				if cur != prev {
					rle = append(rle, clSym{uint8(cur), 0})
					count--
				}
				rle = append(rle, clSym{16, uint8(count - 3)})
			case count <= 10:
				rle = append(rle, clSym{17, uint8(count - 3)})
			default:
				rle = append(rle, clSym{18, uint8(count - 11)})
			}
			count, prev = 0, cur
			switch {
			case next == 0:
				maxCount, minCount = 138, 3
			case cur == next:
				maxCount, minCount = 6, 3
			default:
				maxCount, minCount = 7, 4
			}
		}
	}
	scan(lit[:lcodes])
	scan(dist[:dcodes])
	var cnt [19]uint32
	for _, s := range rle {
		cnt[s.sym]++
	}
	var cl [19]uint8
	zlibLengths(cnt[:], 7, cl[:])
	maxb := 18
	for ; maxb >= 3; maxb-- {
		if cl[clOrder[maxb]] != 0 {
			break
		}
	}
	writeHeader(w, lcodes-257, dcodes-1, maxb+1-4, &cl, rle)
}

func writeHeader(w *bitWriter, hlit, hdist, hclen int, cl *[19]uint8, rle []clSym) {
	w.bits(uint32(hlit), 5)
	w.bits(uint32(hdist), 5)
	w.bits(uint32(hclen), 4)
	for i := 0; i < hclen+4; i++ {
		w.bits(uint32(cl[clOrder[i]]), 3)
	}
	enc := newEnc(cl[:])
	for _, s := range rle {
		w.bits(enc.code[s.sym], uint(enc.len[s.sym]))
		switch s.sym {
		case 16:
			w.bits(uint32(s.extra), 2)
		case 17:
			w.bits(uint32(s.extra), 3)
		case 18:
			w.bits(uint32(s.extra), 7)
		}
	}
}
