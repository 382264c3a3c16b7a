package deflatere

import (
	"os"
	"testing"
)

func TestDiag(t *testing.T) {
	f := os.Getenv("DEFLATE_FILE")
	if f == "" {
		t.Skip()
	}
	data, s := loadStream(t, f)
	toks := s.toks
	m := newMatcher(data)
	var pl plan
	pos := 0
	var nM, lenEq, lenEqM, lenShort, lenLong, dEq, dFound, dBeyond, dNone int
	hist := map[int]int{}
	var mg [25][2]int
	for bi := range s.blocks {
		bl := &s.blocks[bi]
		newPlan(m, pos, pos+bl.raw, bl, &pl)
		i := 0
		for _, tk := range toks[bi] {
			if pl.maxLenAt(i) >= 3 {
				g := int(pl.margin[i])
				g = max(-12, min(12, g>>2))
				mg[g+12][tk>>31]++
			}
			if tk&matchFlag == 0 {
				i++
				continue
			}
			nM++
			L, D := tokLen(tk), tokDist(tk)
			M := pl.maxLenAt(i)
			lp := int(pl.choice[i] >> 16)
			if lp == 0 {
				lp = M
			}
			switch {
			case L == lp:
				lenEq++
			case L == M:
				lenEqM++
			case L < lp:
				lenShort++
				if lenShort < 40 {
					hist[L*1000+lp]++
				}
			default:
				lenLong++
			}
			dp := pl.nearest(i, L)
			switch {
			case dp == D:
				dEq++
			case dp == 0:
				dNone++
			case D > dp:
				dBeyond++
			default:
				dFound++
			}
			i += L
		}
		pos += bl.raw
		m.insertUpTo(pos)
	}
	t.Logf("matches %d: len eq %d eqM %d short %d long %d; dist eq %d none %d farther %d nearer %d", nM, lenEq, lenEqM, lenShort, lenLong, dEq, dNone, dBeyond, dFound)
	t.Log(hist)
	for g := range mg {
		t.Logf("margin %3d: lit %7d match %7d", g-12, mg[g][0], mg[g][1])
	}
}
