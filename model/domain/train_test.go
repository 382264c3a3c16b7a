package domain

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

func goSamples() []Sample {
	var s []Sample
	for i := range 8 {
		var b bytes.Buffer
		fmt.Fprintf(&b, "package p%d\n\n", i)
		for j := range 30 {
			fmt.Fprintf(&b, "func f%d_%d(x int) int {\n\tif x > %d {\n\t\treturn x - %d\n\t}\n\treturn f%d_%d(x + 1)\n}\n\n", i, j, j*7, j, i, (j+1)%30)
		}
		s = append(s, Sample{Name: fmt.Sprintf("p%d.go", i), Data: b.Bytes()})
	}
	return s
}

// The split depends on the seed and the names only.
func TestSplit(t *testing.T) {
	s := goSamples()
	tr, va := Split(s, 1, 3000)
	if len(va) == 0 || len(tr)+len(va) != len(s) {
		t.Fatalf("split %d + %d of %d", len(tr), len(va), len(s))
	}
	rev := append([]Sample(nil), s...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	tr2, va2 := Split(rev, 1, 3000)
	for i := range tr {
		if tr[i].Name != tr2[i].Name {
			t.Fatal("the split depends on the input order")
		}
	}
	if va[0].Name != va2[0].Name {
		t.Fatal("the validation split depends on the input order")
	}
	if _, va3 := Split(s, 2, 3000); va3[0].Name == va[0].Name && len(s) > 4 {
		t.Log("seeds 1 and 2 hold back the same first sample")
	}
}

// Same samples, seed and steps: the same model bytes; an interrupted
// run resumed from its checkpoint gives them too; the domain model codes
// held-back samples of the domain smaller than the shipped one.
func TestTrainDeterministicResumable(t *testing.T) {
	tr, va := Split(goSamples(), 7, 3000)
	a, err := Train(tr, va, TrainOptions{Warm: true, Seed: 7, Steps: 4, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(tr, va, TrainOptions{Warm: true, Seed: 7, Steps: 4, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Model.Bytes(), b.Model.Bytes()) || a.Steps != 4 {
		t.Fatalf("two runs of 4 steps differ (%d steps)", a.Steps)
	}
	if a.ValBits >= a.ValBitsShipped {
		t.Errorf("validation: %d bits with the domain model, %d with the shipped one", a.ValBits, a.ValBitsShipped)
	}
	ck := filepath.Join(t.TempDir(), "m.dcm.ckpt")
	stop := make(chan struct{})
	n := 0
	_, err = Train(tr, va, TrainOptions{Warm: true, Seed: 7, Steps: 4, Checkpoint: ck, Stop: stop,
		Progress: func(done, total int64) {
			if n++; n == 2 {
				close(stop)
			}
		}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted run: %v", err)
	}
	n = 0
	c, err := Train(tr, va, TrainOptions{Warm: true, Seed: 7, Steps: 4, Checkpoint: ck, Progress: func(done, total int64) { n++ }})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || !bytes.Equal(c.Model.Bytes(), a.Model.Bytes()) {
		t.Fatalf("resumed run: %d steps run, same bytes %v", n, bytes.Equal(c.Model.Bytes(), a.Model.Bytes()))
	}
}

// The primer takes the chunks most shared between samples, never what
// is in one sample only (it stops short when nothing more recurs).
func TestPrimer(t *testing.T) {
	s := goSamples()
	unique := bytes.Repeat([]byte("zqxj unique noise 0123456789 "), 200)
	s = append(s, Sample{Name: "noise", Data: unique})
	p := Primers(s, 4096)[0]
	if len(p) < 1024 || len(p) > 4096 {
		t.Fatalf("primer of %d bytes, want 1024 to 4096", len(p))
	}
	if bytes.Contains(p, []byte("zqxj")) {
		t.Error("the primer holds text of one sample only")
	}
	if !bytes.Contains(p, []byte("func f")) {
		t.Error("the primer lacks the text every sample shares")
	}
	if !bytes.Equal(p, Primers(s, 4096)[0]) || Primers(s, 0)[0] != nil {
		t.Error("Primer is not deterministic")
	}
}

// A smaller primer is the start of the greedy choice of a larger one:
// Primers gives each size what it gives that size alone.
func TestPrimersPrefix(t *testing.T) {
	s := goSamples()
	ps := Primers(s, 1500, 0, 2300, 2000)
	for i, n := range []int{1500, 0, 2300, 2000} {
		if p := Primers(s, n)[0]; !bytes.Equal(ps[i], p) {
			t.Errorf("size %d: %d bytes among other sizes, %d alone", n, len(ps[i]), len(p))
		}
	}
	if len(ps[0]) != 1500 || len(ps[2]) != 2300 || len(ps[3]) != 2000 {
		t.Errorf("primer sizes %d, %d, %d", len(ps[0]), len(ps[2]), len(ps[3]))
	}
}

// Segments cuts as dcar create does: files above ValSolidMax alone (in
// blocks when large), the others in groups of up to ValSegment bytes
// that stay open across the large ones.
func TestSegments(t *testing.T) {
	sample := func(name string, n int) Sample { return Sample{Name: name, Data: bytes.Repeat([]byte{name[0]}, n)} }
	s := []Sample{sample("a", 100<<10), sample("b", ValSolidMax+1), sample("c", 100<<10), sample("d", 14<<20), sample("f", 0)}
	for range 40 {
		s = append(s, sample("g", 120<<10))
	}
	var got []string
	for _, seg := range Segments(s) {
		got = append(got, fmt.Sprintf("%c%d", seg[len(seg)-1], len(seg)))
	}
	// a, c and 32 g (4,040 KiB); b; d in 4 blocks; the other 8 g.
	want := []string{"g4136960", "b131073", "d3670016", "d3670016", "d3670016", "d3670016", "g983040"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("segments %v, want %v", got, want)
	}
	if n := len(cut(s)); n != len(want) {
		t.Errorf("cut: %d segments", n)
	}
}

// With PrimerAuto, Train tries each size and keeps the one that makes
// an archive of the samples smallest with the model carried, or the
// largest when none pays; the model it returns has that primer.
func TestTrainPrimerAuto(t *testing.T) {
	defer func(p []int) { PrimerSizes = p }(PrimerSizes)
	PrimerSizes = []int{512, 2048, 8192}
	tr, va := Split(goSamples(), 7, 3000)
	r, err := Train(tr, va, TrainOptions{Seed: 7, Jobs: 2, PrimerBytes: PrimerAuto})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Primers) != 3 || r.SampleSegments != 1 || r.ValSegments != 1 {
		t.Fatalf("%d sizes tried, %d sample segments, %d validation segments", len(r.Primers), r.SampleSegments, r.ValSegments)
	}
	best := -1
	for i, p := range r.Primers {
		if p.ValBits >= r.ValBitsShipped || p.Cost <= p.PrimerBytes/20 {
			t.Errorf("size %d: %d bits (shipped %d), costs %d bytes", p.PrimerBytes, p.ValBits, r.ValBitsShipped, p.Cost)
		}
		if r.net(p) > 0 && (best < 0 || r.net(p) > r.net(r.Primers[best])) {
			best = i
		}
	}
	if r.PrimerPays != (best >= 0) {
		t.Errorf("PrimerPays %v with best %d", r.PrimerPays, best)
	}
	if best < 0 {
		best = 2
	}
	if got := len(r.Model.Primer()); got != r.Primers[best].PrimerBytes || r.ValBits != r.Primers[best].ValBits || r.Primer != r.Primers[best] {
		t.Errorf("the model's primer has %d bytes, want %d", got, r.Primers[best].PrimerBytes)
	}
	// Samples' segments scale the saving: with many, the largest pays.
	r.SampleSegments = 1 << 20
	if r.net(r.Primers[2]) <= r.net(r.Primers[0]) {
		t.Error("with a million segments the largest primer does not pay most")
	}
}
