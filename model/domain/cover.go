package domain

import (
	"container/heap"
	"encoding/binary"
	"slices"
)

// Primer selection by coverage, after zstd's dictionary builder
// (COVER): the training text is cut into chunks, and the primer is
// made of the chunks whose k-byte substrings occur in the most samples,
// each substring counted once (a chunk's score drops by what the chunks
// already taken cover). What a primer holds is then what recurs across
// the domain's files, not whatever files a stride lands on: on Go
// source, a 1 MiB primer chosen so coded a held-out 2 MB 11.2 % smaller,
// one of whole files at a stride 8.0 % (docs/ABLATIONS.md).
const (
	coverK     = 8       // substring length
	coverChunk = 1 << 10 // bytes per chunk
	coverBits  = 22      // log2 of the substring hash table
)

func coverHash(b []byte) uint32 {
	return uint32(binary.LittleEndian.Uint64(b) * 0x9E3779B97F4A7C15 >> (64 - coverBits))
}

type coverItem struct {
	score  int64
	sample int
	off    int
}

type coverHeap []coverItem

func (h coverHeap) Len() int { return len(h) }
func (h coverHeap) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score > h[j].score
	}
	return h[i].sample < h[j].sample || h[i].sample == h[j].sample && h[i].off < h[j].off
}
func (h coverHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *coverHeap) Push(x any)   { *h = append(*h, x.(coverItem)) }
func (h *coverHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Primers returns the primers of up to each of sizes bytes that Train
// takes from the training samples: chunks chosen greedily by coverage,
// in training order; all from one greedy pass, since the chunks a
// smaller primer takes are the first that a larger one takes (the
// greedy order does not depend on the size; only the last chunk taken
// is cut to fit). They depend only on the samples and their order.
func Primers(train []Sample, sizes ...int) [][]byte {
	out := make([][]byte, len(sizes))
	n := 0
	for _, s := range sizes {
		n = max(n, s)
	}
	if n <= 0 || len(train) == 0 {
		return out
	}
	freq := make([]int32, 1<<coverBits)  // samples holding each substring
	stamp := make([]int32, 1<<coverBits) // last sample (or chunk) counted, +1
	for i, s := range train {
		for j := 0; j+coverK <= len(s.Data); j++ {
			h := coverHash(s.Data[j:])
			if stamp[h] != int32(i+1) {
				stamp[h] = int32(i + 1)
				freq[h]++
			}
		}
	}
	clear(stamp)
	tick := int32(0)
	score := func(d []byte) int64 {
		tick++
		var sc int64
		for j := 0; j+coverK <= len(d); j++ {
			h := coverHash(d[j:])
			if stamp[h] != tick {
				stamp[h] = tick
				if f := freq[h]; f > 1 { // a substring of one sample says nothing of the others
					sc += int64(f)
				}
			}
		}
		return sc
	}
	chunk := func(it coverItem) []byte {
		d := train[it.sample].Data
		return d[it.off:min(it.off+coverChunk, len(d))]
	}
	var h coverHeap
	for i, s := range train {
		for off := 0; off < len(s.Data); off += coverChunk {
			it := coverItem{sample: i, off: off}
			it.score = score(chunk(it))
			h = append(h, it)
		}
	}
	heap.Init(&h)
	var picked []coverItem // in greedy order; score: the length taken
	size := 0
	for h.Len() > 0 && size < n {
		it := heap.Pop(&h).(coverItem)
		if s := score(chunk(it)); s != it.score {
			// Lazy greedy: scores only fall; rescore and requeue.
			it.score = s
			heap.Push(&h, it)
			continue
		}
		if it.score == 0 {
			break
		}
		d := chunk(it)
		d = d[:min(len(d), n-size)]
		for j := 0; j+coverK <= len(d); j++ {
			freq[coverHash(d[j:])] = 0
		}
		picked = append(picked, coverItem{sample: it.sample, off: it.off, score: int64(len(d))})
		size += len(d)
	}
	for k, s := range sizes {
		if s <= 0 {
			continue
		}
		// The first picks up to s bytes, the last cut to fit, in
		// training order.
		var take []coverItem
		got := 0
		for _, it := range picked {
			if got >= s {
				break
			}
			it.score = min(it.score, int64(s-got))
			take = append(take, it)
			got += int(it.score)
		}
		slices.SortFunc(take, func(a, b coverItem) int {
			if a.sample != b.sample {
				return a.sample - b.sample
			}
			return a.off - b.off
		})
		p := make([]byte, 0, got)
		for _, it := range take {
			p = append(p, train[it.sample].Data[it.off:it.off+int(it.score)]...)
		}
		out[k] = p
	}
	return out
}
