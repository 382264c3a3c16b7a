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
	p := Primer(s, 4096)
	if len(p) < 1024 || len(p) > 4096 {
		t.Fatalf("primer of %d bytes, want 1024 to 4096", len(p))
	}
	if bytes.Contains(p, []byte("zqxj")) {
		t.Error("the primer holds text of one sample only")
	}
	if !bytes.Contains(p, []byte("func f")) {
		t.Error("the primer lacks the text every sample shares")
	}
	if !bytes.Equal(p, Primer(s, 4096)) || Primer(s, 0) != nil {
		t.Error("Primer is not deterministic")
	}
}
