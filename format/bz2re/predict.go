package bz2re

// Periodic blocks. For a block X^k the k copies of each rotation are
// equal, and where libbzip2 puts rotation 0 among its copies (and so
// origPtr) is an accident of its sorting code:
//
//   - blocks under 10000 bytes go to its fallback sort, a prefix-doubling
//     sort whose buckets are ordered by a 3-way quicksort with a
//     pseudo-random pivot and an insertion sort for small ranges;
//   - larger blocks go to its main sort, which gives up on repetitive
//     input (its work budget is spent on comparing equal rotations to
//     their full length) and falls back to the same fallback sort. The
//     exception is a block of one byte value repeated, which the main
//     sort never compares at all and leaves in text order.
//
// predictRank replays those orderings. It is only a default: Split
// records the true rank in Params whenever the prediction misses.

func predictRank(block []byte, group, k int) int {
	n := len(block)
	pos := 0
	if n >= 10000 && allSame(block) {
		pos = 0
	} else {
		pos = fallbackPosition(block)
	}
	if pos < group || pos >= group+k {
		return 0 // cannot happen for a correct sort; Split verifies
	}
	return pos - group
}

func allSame(b []byte) bool {
	for _, c := range b {
		if c != b[0] {
			return false
		}
	}
	return true
}

// fallbackPosition returns the sorted position of rotation 0 as libbzip2's
// fallback sort leaves it.
func fallbackPosition(block []byte) int {
	n := len(block)
	fmap := make([]int32, n)
	eclass := make([]int32, n)
	// Bucket-head flags, with the pattern set, clear, set, ... after the
	// end that stops the bucket scans.
	head := make([]bool, n+66)

	var ftab [257]int32
	for _, c := range block {
		ftab[c]++
	}
	for i := 1; i < 257; i++ {
		ftab[i] += ftab[i-1]
	}
	// Bytes go to the end of their bucket first, so each bucket starts in
	// decreasing text order.
	for i, c := range block {
		ftab[c]--
		fmap[ftab[c]] = int32(i)
	}
	for i := 0; i < 256; i++ {
		head[ftab[i]] = true
	}
	for i := 0; i < 32; i++ {
		head[n+2*i] = true
		head[n+2*i+1] = false
	}

	var q fallbackQSort
	for h := 1; ; h *= 2 {
		j := int32(0)
		for i := 0; i < n; i++ {
			if head[i] {
				j = int32(i)
			}
			k := int(fmap[i]) - h
			if k < 0 {
				k += n
			}
			eclass[k] = j
		}
		notDone := 0
		r := -1
		for {
			k := r + 1
			for head[k] {
				k++
			}
			l := k - 1
			if l >= n {
				break
			}
			for !head[k] {
				k++
			}
			r = k - 1
			if r >= n {
				break
			}
			if r > l {
				notDone += r - l + 1
				q.sort(fmap, eclass, l, r)
				cc := int32(-1)
				for i := l; i <= r; i++ {
					if c := eclass[fmap[i]]; c != cc {
						head[i] = true
						cc = c
					}
				}
			}
		}
		if 2*h > n || notDone == 0 {
			break
		}
	}
	for i, v := range fmap {
		if v == 0 {
			return i
		}
	}
	return 0
}

type fallbackQSort struct{ lo, hi []int }

// sort orders fmap[lo..hi] by eclass the way libbzip2's fallbackQSort3
// does, which matters only for the order it leaves equal keys in: the
// pivot rule (a linear congruential sequence restarted per call), the
// partition swaps and the order in which the two sides are stacked.
func (q *fallbackQSort) sort(fmap, eclass []int32, loSt, hiSt int) {
	r := uint32(0)
	q.lo = append(q.lo[:0], loSt)
	q.hi = append(q.hi[:0], hiSt)
	for len(q.lo) > 0 {
		lo, hi := q.lo[len(q.lo)-1], q.hi[len(q.hi)-1]
		q.lo, q.hi = q.lo[:len(q.lo)-1], q.hi[:len(q.hi)-1]
		if hi-lo < 10 {
			fallbackSimpleSort(fmap, eclass, lo, hi)
			continue
		}
		r = (r*7621 + 1) % 32768
		var med int32
		switch r % 3 {
		case 0:
			med = eclass[fmap[lo]]
		case 1:
			med = eclass[fmap[(lo+hi)>>1]]
		default:
			med = eclass[fmap[hi]]
		}
		unLo, ltLo := lo, lo
		unHi, gtHi := hi, hi
		for {
			for unLo <= unHi {
				d := eclass[fmap[unLo]] - med
				if d == 0 {
					fmap[unLo], fmap[ltLo] = fmap[ltLo], fmap[unLo]
					ltLo++
					unLo++
					continue
				}
				if d > 0 {
					break
				}
				unLo++
			}
			for unLo <= unHi {
				d := eclass[fmap[unHi]] - med
				if d == 0 {
					fmap[unHi], fmap[gtHi] = fmap[gtHi], fmap[unHi]
					gtHi--
					unHi--
					continue
				}
				if d < 0 {
					break
				}
				unHi--
			}
			if unLo > unHi {
				break
			}
			fmap[unLo], fmap[unHi] = fmap[unHi], fmap[unLo]
			unLo++
			unHi--
		}
		if gtHi < ltLo {
			continue
		}
		m := min(ltLo-lo, unLo-ltLo)
		swapRuns(fmap, lo, unLo-m, m)
		m = min(hi-gtHi, gtHi-unHi)
		swapRuns(fmap, unLo, hi-m+1, m)
		n1 := lo + unLo - ltLo - 1
		m1 := hi - (gtHi - unHi) + 1
		if n1-lo > hi-m1 {
			q.lo, q.hi = append(q.lo, lo, m1), append(q.hi, n1, hi)
		} else {
			q.lo, q.hi = append(q.lo, m1, lo), append(q.hi, hi, n1)
		}
	}
}

func swapRuns(fmap []int32, a, b, n int) {
	for ; n > 0; n-- {
		fmap[a], fmap[b] = fmap[b], fmap[a]
		a++
		b++
	}
}

// fallbackSimpleSort: an insertion sort with stride 4, then stride 1,
// each pass from the right; equal keys do not move past each other within
// a pass.
func fallbackSimpleSort(fmap, eclass []int32, lo, hi int) {
	if lo == hi {
		return
	}
	if hi-lo > 3 {
		for i := hi - 4; i >= lo; i-- {
			tmp := fmap[i]
			ec := eclass[tmp]
			j := i + 4
			for ; j <= hi && ec > eclass[fmap[j]]; j += 4 {
				fmap[j-4] = fmap[j]
			}
			fmap[j-4] = tmp
		}
	}
	for i := hi - 1; i >= lo; i-- {
		tmp := fmap[i]
		ec := eclass[tmp]
		j := i + 1
		for ; j <= hi && ec > eclass[fmap[j]]; j++ {
			fmap[j-1] = fmap[j]
		}
		fmap[j-1] = tmp
	}
}
