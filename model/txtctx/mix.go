package txtctx

import (
	"fmt"
	"sort"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/internal/cacheline"
)

// Config selects the sources and the tuning constants. A segment must be
// decoded with the Config it was encoded with.
type Config struct {
	Orders     []int  // context orders: 0 and 1 dense, >= 2 hashed
	Word       bool   // word context (current word prefix + previous word)
	MatchMin   int    // match model minimum length (hash of this many bytes); 0 = off
	TableBits  uint   // log2 of the maximum number of slots per hashed table
	Limit      uint32 // count at which a context's counts are halved
	LR         int32  // mixer learning rate, 2^-16 log2 units per unit error
	LRSel      int32  // learning rate of the per-selector correction tables
	Boost      int32  // initial learning-rate boost, in 1/16
	DecayT     int32  // decay constant of the boost, bytes
	NoExcl     bool   // disable the "listed by a higher order" bucket bit
	NoPretrain bool   // start from heuristic weights, not the pretrained ones
}

// DefaultConfig is the configuration of the codec.
func DefaultConfig() Config {
	return Config{
		Orders:    []int{1, 2, 3, 4, 5, 6, 8},
		Word:      true,
		MatchMin:  6,
		TableBits: 18,
		Limit:     60,
		LR:        1000,
		LRSel:     500,
		Boost:     16,
		DecayT:    8192,
	}
}

// Mixer selection contexts: highest found order (0..7) x deterministic
// flag x match-length class (4).
const NumSel = 64

// Mixer turns a Model's sparse sources into 256 logits: for every symbol
// c, logit(c) = sum over sources s of W[s][sel][bucket_s(c)] >> 8, where
// sources that do not list c contribute 0. W holds log2 weights with 16
// fractional bits and learns online by the exact gradient of the coding
// cost (in bits) of a log-linear (geometric) mixture: for an active
// entry, dW = lr * (1[c = y] - p(c)), p taken from the coder's FreqTable.
type Mixer struct {
	cfg    Config
	ns     int
	w      []int32
	sel    int
	logits [256]int32
	ft     coder.FreqTable
	lr     int32
	t      int
}

// NewMixer returns a Mixer for the sources of m.
func NewMixer(m *Model) *Mixer {
	x := cacheline.New[Mixer]() // written at every byte (cacheline)
	x.cfg, x.ns, x.lr = m.cfg, len(m.src), m.cfg.LR
	x.w = make([]int32, x.ns*(NumSel+1)*NumBuckets)
	for s := 0; s < x.ns; s++ {
		for sel := 0; sel < 1; sel++ {
			row := x.w[(s*(NumSel+1)+sel)*NumBuckets:][:NumBuckets]
			for b := range row {
				if m.src[s].kind == KindMatch {
					l := b & 63
					if l > 32 {
						l = 32
					}
					row[b] = int32(l) << 13
				} else {
					rq, tq := b&7, (b>>3)&7
					row[b] = int32(2*rq+tq) << 13
				}
			}
		}
	}
	if !x.cfg.NoPretrain && initKey == x.cfg.sourceKey() && len(initW) == len(x.w) {
		for i, v := range initW {
			x.w[i] = int32(v) << 8
		}
	}
	return x
}

// sourceKey identifies the list of sources of a Config (pretrained
// weights apply only to the same list).
func (c Config) sourceKey() string {
	return fmt.Sprint(c.Orders, c.Word, c.MatchMin > 0)
}

// selector computes the mixer selection context of the current byte.
func selector(m *Model) int {
	if selOff {
		return 0
	}
	hi := m.hi
	if hi > 7 {
		hi = 7
	}
	s := hi << 3
	if m.hiDet {
		s |= 4
	}
	switch l := m.mlen; {
	case l == 0:
	case l < 16:
		s |= 1
	case l < 32:
		s |= 2
	default:
		s |= 3
	}
	return s
}

// Sel returns the selection context used for the current byte (valid
// after Logits).
func (x *Mixer) Sel() int { return x.sel }

// Logits computes the mixture logits of the next byte (coder format: log2
// units, 8 fractional bits). The slice is owned by the Mixer and valid
// until the next call.
func (x *Mixer) Logits(m *Model) []int32 {
	x.sel = selector(m)
	lg := x.logits[:]
	clear(lg)
	for s := 0; s < x.ns; s++ {
		g := x.w[s*(NumSel+1)*NumBuckets:][:NumBuckets]
		row := x.w[(s*(NumSel+1)+1+x.sel)*NumBuckets:][:NumBuckets]
		for _, e := range m.src[s].ent {
			b := e.Bucket & (NumBuckets - 1)
			lg[e.Sym] += (g[b] + row[b] + 128) >> 8
		}
	}
	return lg
}

// LastLogits returns the logits of the last Logits or Predict call
// (owned by the Mixer, valid until the next call).
func (x *Mixer) LastLogits() []int32 { return x.logits[:] }

// SourceLogits writes source s's contribution to the current logits
// into dst (256 entries; 0 for symbols the source does not list). The
// sum over all sources is the mixture's logit vector. Valid after Logits.
func (x *Mixer) SourceLogits(m *Model, s int, dst []int32) {
	dst = dst[:256]
	clear(dst)
	g := x.w[s*(NumSel+1)*NumBuckets:][:NumBuckets]
	row := x.w[(s*(NumSel+1)+1+x.sel)*NumBuckets:][:NumBuckets]
	for _, e := range m.src[s].ent {
		b := e.Bucket & (NumBuckets - 1)
		dst[e.Sym] = (g[b] + row[b] + 128) >> 8
	}
}

// Predict computes the logits and the coder table of the next byte.
func (x *Mixer) Predict(m *Model) *coder.FreqTable {
	lg := x.Logits(m)
	if err := x.ft.SetLogits(lg, 16); err != nil {
		panic(err) // cannot happen: 256 symbols, 16 bits
	}
	return &x.ft
}

// Update adapts the weights to the coded byte y. It must be called after
// Predict and before m.Update(y).
func (x *Mixer) Update(m *Model, y byte) {
	// Learning rates decay from (1+Boost) times their base to the base
	// with a half-life-like constant of DecayT bytes.
	boost := int64(x.cfg.Boost) * int64(x.cfg.DecayT) / (int64(x.cfg.DecayT) + int64(x.t))
	lr := int64(x.lr) + int64(x.lr)*boost>>4
	lr2 := int64(x.cfg.LRSel) + int64(x.cfg.LRSel)*boost>>4
	for s := 0; s < x.ns; s++ {
		g := x.w[s*(NumSel+1)*NumBuckets:][:NumBuckets]
		row := x.w[(s*(NumSel+1)+1+x.sel)*NumBuckets:][:NumBuckets]
		for _, e := range m.src[s].ent {
			err := -int64(x.ft.Freq(int(e.Sym)))
			if e.Sym == y {
				err += 1 << 16
			}
			b := e.Bucket & (NumBuckets - 1)
			g[b] += int32((lr*err + 1<<15) >> 16)
			row[b] += int32((lr2*err + 1<<15) >> 16)
		}
	}
	x.t++
}

var selOff = false

// normalized clamps every field to its valid range, so any Config gives
// a working (if poor) model: Limit in [2, 255], TableBits in [10, 24],
// MatchMin 0 or in [2, 64], orders in [0, 64], LR and LRSel in
// [0, 1<<20], Boost in [0, 1024], DecayT >= 1.
func (c Config) normalized() Config {
	cl := func(v, lo, hi int64) int64 { return max(lo, min(v, hi)) }
	c.Limit = uint32(cl(int64(c.Limit), 2, 255))
	c.TableBits = uint(cl(int64(c.TableBits), 10, 24))
	if c.MatchMin != 0 {
		c.MatchMin = int(cl(int64(c.MatchMin), 2, 64))
	}
	o := make([]int, len(c.Orders))
	for i, v := range c.Orders {
		o[i] = int(cl(int64(v), 0, 64))
	}
	c.Orders = o
	sort.Ints(c.Orders)
	c.LR = int32(cl(int64(c.LR), 0, 1<<20))
	c.LRSel = int32(cl(int64(c.LRSel), 0, 1<<20))
	c.Boost = int32(cl(int64(c.Boost), 0, 1024))
	c.DecayT = int32(cl(int64(c.DecayT), 1, 1<<30))
	return c
}
