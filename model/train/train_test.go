package train

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/data"
)

func tinyData() *data.Dataset {
	rng := rand.New(rand.NewPCG(1, 1))
	mk := func(w, h int) *data.RGB {
		im := &data.RGB{Name: "x", W: w, H: h, Pix: make([]byte, 3*w*h)}
		for i := range im.Pix {
			im.Pix[i] = byte(i/3%w + rng.IntN(8))
		}
		return im
	}
	txt := make([]byte, 4000)
	for i := range txt {
		txt[i] = "abcde fgh\n"[rng.IntN(10)]
	}
	return data.FromMemory(
		data.Split{Images: []*data.RGB{mk(20, 18)}, Prose: txt[:3000], Code: txt[:1500]},
		data.Split{Images: []*data.RGB{mk(17, 16)}, Prose: txt[3000:], Code: txt[3500:]}, 24)
}

func tinyOptions() Options {
	o := DefaultOptions()
	o.Model = model.DefaultConfig(16, 2)
	o.Batch, o.Shards, o.SeqLen = 4, 2, 24
	o.Steps, o.Warmup = 6, 2
	o.ValSeqs = 2
	o.LogEvery, o.EvalEvery, o.CkptEvery = 0, 0, 0
	return o
}

// TestResumeExact: training 6 steps straight equals 3 steps, checkpoint,
// resume (fresh process state), 3 more steps, bit for bit. Also the number
// of worker goroutines does not change the result.
func TestResumeExact(t *testing.T) {
	ds := tinyData()
	run := func(workers int) *Trainer {
		tr, err := New(tinyOptions(), ds)
		if err != nil {
			t.Fatal(err)
		}
		tr.Workers = workers
		for range 6 {
			tr.TrainStep()
		}
		return tr
	}
	a := run(2)
	if b := run(1); !slices.Equal(a.Model.Data, b.Model.Data) {
		t.Fatal("1 and 2 workers give different parameters")
	}
	tr, _ := New(tinyOptions(), ds)
	for range 3 {
		tr.TrainStep()
	}
	path := filepath.Join(t.TempDir(), "c.dcw")
	if err := tr.SaveCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	tr2, err := Resume(path, ds)
	if err != nil {
		t.Fatal(err)
	}
	if tr2.Step != 3 {
		t.Fatalf("resumed at step %d", tr2.Step)
	}
	for range 3 {
		tr2.TrainStep()
	}
	if !slices.Equal(a.Model.Data, tr2.Model.Data) || !slices.Equal(a.Adam.V, tr2.Adam.V) {
		t.Fatal("resumed run differs from uninterrupted run")
	}
}

// TestTrainingLearns: a few dozen steps on tiny repetitive data reduce the
// loss well below the uniform 8 bits.
func TestTrainingLearns(t *testing.T) {
	ds := tinyData()
	o := tinyOptions()
	o.Steps, o.LR, o.Warmup = 40, 1e-2, 5
	tr, err := New(o, ds)
	if err != nil {
		t.Fatal(err)
	}
	first := tr.TrainStep()
	var last StepStats
	for tr.Step < o.Steps {
		last = tr.TrainStep()
	}
	ev := tr.Evaluate()
	t.Logf("loss %.3f → %.3f nats; val image %.2f prose %.2f code %.2f bits", first.Loss, last.Loss, ev[0], ev[1], ev[2])
	if last.Loss > 0.7*first.Loss {
		t.Fatalf("loss did not fall: %.3f → %.3f", first.Loss, last.Loss)
	}
}

func TestSchedule(t *testing.T) {
	if LR(5, 10, 100, 1, 0.1) != 0.5 || LR(100, 10, 100, 1, 0.1) != 0.1 {
		t.Fatal("schedule endpoints")
	}
	if lr := LR(55, 10, 100, 1, 0); lr < 0.49 || lr > 0.51 {
		t.Fatalf("cosine midpoint %g", lr)
	}
}
