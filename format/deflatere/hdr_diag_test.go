package deflatere

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestHdrDiag(t *testing.T) {
	files, _ := filepath.Glob(os.Getenv("DEFLATE_FILES"))
	if len(files) == 0 {
		t.Skip()
	}
	for _, f := range files {
		_, s := loadStream(t, f)
		toks := s.toks
		var nDyn, mPM, mRLE, mZlib, hZop, hZlib, hAny int
		for bi := range s.blocks {
			bl := &s.blocks[bi]
			if bl.typ != blockDynamic {
				continue
			}
			nDyn++
			var ll [288]uint32
			var dl [32]uint32
			tokenCounts(toks[bi], &ll, &dl)
			var L [288]uint8
			var D [32]uint8
			pmLengths(ll[:286], 15, L[:286])
			pmLengths(dl[:30], 15, D[:30])
			patchDist(D[:])
			if L == bl.lit && D == bl.dist {
				mPM++
			}
			l2, d2 := ll, dl
			rleOptimize(l2[:286])
			rleOptimize(d2[:30])
			L, D = [288]uint8{}, [32]uint8{}
			pmLengths(l2[:286], 15, L[:286])
			pmLengths(d2[:30], 15, D[:30])
			patchDist(D[:])
			if L == bl.lit && D == bl.dist {
				mRLE++
			}
			L, D = [288]uint8{}, [32]uint8{}
			zlibLengths(ll[:286], 15, L[:286])
			zlibLengths(dl[:30], 15, D[:30])
			if L == bl.lit && D == bl.dist {
				mZlib++
			}
			var w bitWriter
			headerZopfliBest(bl.lit[:], bl.dist[:], &w)
			eq := func(w *bitWriter) bool {
				if w.bitPos() != bl.hdrBits {
					return false
				}
				x := append([]byte{}, w.out...)
				if w.n > 0 {
					x = append(x, byte(w.buf))
				}
				return bytes.Equal(x, bl.hdr)
			}
			if eq(&w) {
				hZop++
			}
			w = bitWriter{}
			headerZlib(bl.lit[:], bl.dist[:], &w)
			if eq(&w) {
				hZlib++
			}
			any := false
			for v := 0; v < 8; v++ {
				w = bitWriter{}
				headerZopfli(bl.lit[:], bl.dist[:], v&1 != 0, v&2 != 0, v&4 != 0, &w)
				any = any || eq(&w)
			}
			if any {
				hAny++
			}
		}
		t.Logf("%s: %d blocks; lengths pm %d rle %d zlib %d; header zopfli %d (any %d) zlib %d", filepath.Base(f), nDyn, mPM, mRLE, mZlib, hZop, hAny, hZlib)
	}
}

func TestIterDiag(t *testing.T) {
	files, _ := filepath.Glob(os.Getenv("DEFLATE_FILES"))
	if len(files) == 0 {
		t.Skip()
	}
	iters := 6
	for _, f := range files {
		data, s := loadStream(t, f)
		m := newMatcher(data)
		var pl plan
		pos := 0
		kind := 0
		var prev *block
		mis := make([]int, iters+1)
		nb := 0
		for bi := range s.blocks {
			bl := &s.blocks[bi]
			if bl.typ != blockDynamic {
				pos += bl.raw
				m.insertUpTo(pos)
				continue
			}
			if bl.lit[257] != 0 && f[len(f)-6:] == "02.png" {
				kind = 1
			}
			pl.findAll(m, pos, pos+bl.raw)
			var L [288]uint8
			var D [32]uint8
			if prev != nil {
				L, D = prev.lit, prev.dist
			} else {
				L, D = fixedLit, fixedDist
			}
			cnt := func() int {
				n := 0
				for i := range L {
					if L[i] != bl.lit[i] {
						n++
					}
				}
				for i := range D {
					if D[i] != bl.dist[i] {
						n++
					}
				}
				return n
			}
			mis[0] += cnt()
			for it := 1; it <= iters; it++ {
				pl.parse(data, lenCostsAll(&L, &D))
				pl.refine(data, nil, 1)
				var ll [288]uint32
				var dl [32]uint32
				pl.counts(data, &ll, &dl)
				buildLens(kind, &ll, &dl, &L, &D)
				mis[it] += cnt()
			}
			nb++
			prev = bl
			pos += bl.raw
			m.insertUpTo(pos)
		}
		t.Logf("%s: %d blocks, mismatches per iteration %v", filepath.Base(f), nb, mis)
	}
}
