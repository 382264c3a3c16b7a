package jpegre

import (
	"bytes"
	"testing"
)

// FuzzSplit: any input either splits into data that rebuilds it exactly
// or is refused with an error; never a panic.
func FuzzSplit(f *testing.F) {
	for _, b := range fixtures(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		img, side, err := Split(b, 1<<14)
		if cerr := Check(b, 1<<14); err == nil && cerr != nil {
			t.Fatalf("Split accepts what Check refuses: %v", cerr)
		}
		if err != nil {
			return
		}
		out, err := Rebuild(nil, img, side)
		if err != nil || !bytes.Equal(out, b) {
			t.Fatalf("split accepted what does not rebuild (err %v)", err)
		}
	})
}

// FuzzRebuild: side data and coefficients from an archive may be
// anything; Layout and Rebuild must fail cleanly or rebuild something.
func FuzzRebuild(f *testing.F) {
	for _, b := range fixtures(f) {
		if _, side, err := Split(b, 1<<14); err == nil {
			f.Add(side, byte(0), int16(0))
		}
	}
	f.Fuzz(func(t *testing.T, side []byte, at byte, v int16) {
		img, err := Layout(side, 1<<14)
		if err != nil {
			return
		}
		if c := img.Comps[0].Coef; len(c) > 0 {
			c[int(at)%len(c)] = v
		}
		Rebuild(nil, img, side)
	})
}
