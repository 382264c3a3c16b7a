package train

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// LRAt is the learning-rate schedule of every training run: a linear
// warm-up over warmup steps to peak, then a cosine down to a tenth of
// peak at frac = 1 (the fraction of the run done, by time or by steps).
func LRAt(peak float64, warmup, step int, frac float64) float64 {
	return peak * math.Min(1, float64(step+1)/float64(max(warmup, 1))) * (0.1 + 0.9*0.5*(1+math.Cos(math.Pi*frac)))
}

// SeqStarts lists the valid training sequence starts of s: every sample
// from which seq samples lie inside one run (a row).
func (s *Set) SeqStarts(seq int) []int {
	var starts []int
	for i, st := range s.Starts {
		end := s.N
		if i+1 < len(s.Starts) {
			end = s.Starts[i+1]
		}
		for a := st; a+seq <= end; a++ {
			starts = append(starts, a)
		}
	}
	return starts
}

// TuneConfig sets up a Tuner.
type TuneConfig struct {
	Steps  int     // planned steps: the length of the schedule
	Batch  int     // sequences per step (even: two halves run at once)
	Seq    int     // sequence length
	LR, WD float64 // peak learning rate (LRAt) and weight decay (AdamW)
	Warmup int     // warm-up steps
	Seed   uint64
}

// A Tuner fine-tunes a network on a training set one step at a time
// (AdamW, LRAt by steps), so that its caller can stop, checkpoint
// (MarshalBinary) and resume between steps. Step i's batch depends on
// the seed and i only, and each step runs its batch as two halves at
// once (two cores) whose gradients are summed in a fixed order: the
// network after n steps is the same however the run was interrupted and
// resumed, on one machine (Go's float32 arithmetic; an architecture that
// fuses multiply-adds may round differently).
type Tuner struct {
	Net    *Net
	Cfg    TuneConfig
	Done   int // steps done
	opt    *AdamW
	set    *Set
	starts []int
	half   [2]tuneHalf
	g      []float32
}

type tuneHalf struct {
	b    Batch
	w    Work
	g    []float32
	bits float64
}

// NewTuner returns a Tuner of n on s.
func NewTuner(n *Net, s *Set, cfg TuneConfig) (*Tuner, error) {
	if cfg.Batch < 2 || cfg.Batch%2 != 0 || cfg.Seq < 1 || cfg.Steps < 1 {
		return nil, fmt.Errorf("train: tuner batch %d (even, 2 or more), sequence %d, steps %d", cfg.Batch, cfg.Seq, cfg.Steps)
	}
	t := &Tuner{Net: n, Cfg: cfg, opt: NewAdamW(n, cfg.LR, cfg.WD), set: s, starts: s.SeqStarts(cfg.Seq), g: make([]float32, len(n.P))}
	if len(t.starts) == 0 {
		return nil, errors.New("train: no training sequence: every run is shorter than the sequence length")
	}
	for i := range t.half {
		t.half[i].g = make([]float32, len(n.P))
	}
	return t, nil
}

// LR is the learning rate of the next step.
func (t *Tuner) LR() float64 {
	return LRAt(t.Cfg.LR, t.Cfg.Warmup, t.Done, float64(t.Done)/float64(t.Cfg.Steps))
}

// Step runs one training step and returns its batch's mean bits per
// sample (before the update).
func (t *Tuner) Step() float64 {
	rng := rand.New(rand.NewPCG(t.Cfg.Seed, uint64(t.Done)))
	for i := range t.half {
		h := &t.half[i]
		h.b.Reset()
		for range t.Cfg.Batch / 2 {
			h.b.Gather(t.set, t.starts[rng.IntN(len(t.starts))], t.Cfg.Seq)
		}
	}
	var wg sync.WaitGroup
	for i := range t.half {
		wg.Go(func() {
			h := &t.half[i]
			clear(h.g)
			h.bits = t.Net.Forward(&h.b, &h.w, h.g, false)
		})
	}
	wg.Wait()
	// Forward's gradient is of each half's mean: the batch's mean is
	// their average.
	for i := range t.g {
		t.g[i] = (t.half[0].g[i] + t.half[1].g[i]) / 2
	}
	lr := t.LR()
	t.opt.Step(t.Net, t.g, lr, 1.0)
	t.Done++
	return (t.half[0].bits + t.half[1].bits) / float64(t.half[0].b.R+t.half[1].b.R)
}

const tunerMagic = "DCARTUN1"

// MarshalBinary returns the tuner's state: the steps done, the network's
// parameters and the optimiser's moments.
func (t *Tuner) MarshalBinary() ([]byte, error) {
	b := []byte(tunerMagic)
	b = binary.LittleEndian.AppendUint64(b, uint64(t.Done))
	b = binary.LittleEndian.AppendUint64(b, uint64(t.opt.t))
	b = binary.LittleEndian.AppendUint64(b, uint64(len(t.Net.P)))
	b = appendFloats(b, t.Net.P)
	b = appendFloats(b, t.opt.m)
	return appendFloats(b, t.opt.v), nil
}

// UnmarshalBinary restores a state MarshalBinary returned for a tuner of
// the same network layout.
func (t *Tuner) UnmarshalBinary(b []byte) error {
	np := len(t.Net.P)
	if len(b) != len(tunerMagic)+24+12*np || string(b[:len(tunerMagic)]) != tunerMagic {
		return errors.New("train: not a tuner state of this network")
	}
	le := binary.LittleEndian
	b = b[len(tunerMagic):]
	done, steps, n := le.Uint64(b), le.Uint64(b[8:]), le.Uint64(b[16:])
	if n != uint64(np) || done > uint64(t.Cfg.Steps) || steps > 1<<40 {
		return errors.New("train: tuner state of another run")
	}
	b = b[24:]
	readFloats(t.Net.P, b)
	readFloats(t.opt.m, b[4*np:])
	readFloats(t.opt.v, b[8*np:])
	t.Done, t.opt.t = int(done), int(steps)
	return nil
}
