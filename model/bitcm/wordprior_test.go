package bitcm

import "testing"

// BenchmarkWordPrior drives the word prior over a text's transform (the
// raw prior is countPrior, so the figure is the projection's own time
// plus countPrior's).
func BenchmarkWordPrior(b *testing.B) {
	src := sampleText(1<<16, 3)
	d := textWords6()
	x := d.encodeWords(nil, src)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		p := newWordPrior(&countPrior{}, d)
		for _, c := range x {
			p.Next()
			p.Update(c)
		}
	}
}
