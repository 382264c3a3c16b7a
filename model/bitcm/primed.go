package bitcm

import (
	"errors"
	"slices"
	"sync"

	"github.com/dcar-archiver/dcar/internal/cacheline"
)

// Primed keeps the state of a text model that has read its Config's
// Primer, so that the segments coded with that Config start from a copy
// of it instead of reading the primer again (Config.Primed): the same
// bits, a copy of the model's tables (a fraction of a second) in place
// of modelling the primer (about 6 s per MiB) per segment. A model's
// tables follow from its segment's length, so it keeps the states of
// the last primedStates table sizes used: the memory of as many more
// models (about 0.9 GB each for the version 8 text model's 2^20-line
// tables). Safe for concurrent use; the zero value is ready.
type Primed struct {
	mu     sync.Mutex
	states [primedStates]*primedState // most recently used first
}

// primedStates is how many primed models a Primed keeps: a segment's
// tables are one of two sizes for most segments with a 1 MiB primer
// (the match model's table is 2^21 entries below 2 MiB of segment and
// primer, 2^22 above), and archives mix both.
const primedStates = 2

type primedState struct {
	key  primedKey
	done chan struct{} // closed once m is set (m nil: its reader failed)
	m    *model        // read-only once set
}

// primedKey is what a primed model's state depends on: its Config (by
// its Fingerprint, which covers everything that makes the model's bits,
// the warm start and the primer among them: a Primed given to several
// Configs serves each its own) and the table sizes its segment length
// gave it.
type primedKey struct {
	fp            [8]byte
	tbits, mmBits int
}

// state returns the state for k and whether the caller is to read the
// primer and set it (the first caller for k; the others wait for it).
func (p *Primed) state(k primedKey) (st *primedState, fill bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := 0
	for i < len(p.states)-1 && (p.states[i] == nil || p.states[i].key != k) {
		i++
	}
	if st = p.states[i]; st == nil || st.key != k {
		st, fill = &primedState{key: k, done: make(chan struct{})}, true
	}
	copy(p.states[1:i+1], p.states[:i])
	p.states[0] = st
	return st, fill
}

// errNoPrimer reports a primer to read with no Config.Primer.
var errNoPrimer = errors.New("bitcm: a primer to read but no Config.Primer")

// primedModel returns a fresh model of cfg for a segment of segLen
// bytes (the primer's included) whose history is hist, after it has
// read primer (the primer as the model reads it: its word code's
// transform with one): from cfg.Primed's copy when it has one for these
// table sizes, else by reading primer, keeping a copy for the next
// segment.
func primedModel(segLen int, hist, primer []byte, cfg Config, prior Prior) (*model, error) {
	read := func() (*model, error) {
		m, err := newModel(segLen, hist, cfg, prior)
		if err != nil {
			return nil, err
		}
		m.prime(primer)
		return m, nil
	}
	if cfg.Primed == nil || len(primer) == 0 || prior != nil {
		return read()
	}
	if len(cfg.Primer) == 0 {
		return nil, errNoPrimer
	}
	n := cfg.normalized()
	k := primedKey{fp: Fingerprint(cfg), tbits: tableBits(segLen, n), mmBits: matchBits(segLen, n)}
	st, fill := cfg.Primed.state(k)
	if !fill {
		if <-st.done; st.m != nil {
			return st.m.clone(hist), nil
		}
		return read() // the state's reader failed
	}
	// Closed however this returns: a waiter finding no state reads the
	// primer itself.
	defer close(st.done)
	m, err := read()
	if err == nil {
		st.m = m.clone(nil)
	}
	return m, err
}

// clone returns a copy of m that shares nothing either of them writes,
// with hist (of a capacity for the new segment; nil: a buffer of its
// own) as its history, m's copied into it. m must have no prior (a
// primed model has none) and be at a byte's start (between segments'
// bytes), as prime leaves it.
func (m *model) clone(hist []byte) *model {
	c := cacheline.New[model]()
	*c = *m // scalars, and what no model writes: cfg, tree, masks
	c.buf = append(hist[:0], m.buf...)
	c.ind1 = cloneLine(m.ind1)
	c.ind2 = slices.Clone(m.ind2)
	c.nest = slices.Clone(m.nest)
	c.text = slices.Clone(m.text)
	if m.words != nil {
		c.words = cacheline.New[wordDecoder]()
		*c.words = *m.words
	}
	c.wnext = slices.Clone(m.wnext)
	c.calls = slices.Clone(m.calls)
	c.hash = cloneLine(m.hash)
	sizes := make([]int, len(m.tabs))
	for i, t := range m.tabs {
		sizes[i] = len(t)
	}
	c.tabs, c.tabBuf = allocTablesOf(sizes)
	for i, t := range m.tabs {
		copy(c.tabs[i], t)
	}
	c.line = cloneLine(m.line)
	c.heads = cloneLine(m.heads)
	c.ahead = cacheline.Make[uintptr](cap(m.ahead))[:0] // prefetch hints into m's tables
	c.o1 = slices.Clone(m.o1)
	c.o0 = cloneLine(m.o0)
	c.mm.clone(&m.mm)
	c.mm2.clone(&m.mm2)
	c.mixers = m.mixers.clone()
	if m.mix2 != nil {
		c.mix2 = m.mix2.clone()
		c.mix2.x = c.mixers.x // the same inputs
	}
	c.final = m.final.clone()
	c.a1, c.a2, c.a3, c.a4 = m.a1.clone(), m.a2.clone(), m.a3.clone(), m.a4.clone()
	c.srcs = append(c.tabs[:len(c.tabs):len(c.tabs)], c.o1, c.o0)
	c.idx = cloneLine(m.idx)
	c.hm = cloneLine(m.hm)
	c.hcur = cloneLine(m.hcur)
	return c
}

// cloneLine is slices.Clone for a slice that cacheline.Make allocated:
// the copy is padded as well, and keeps the capacity (m.hash is filled
// by appending, within it).
func cloneLine[T any](s []T) []T {
	if s == nil {
		return nil
	}
	d := cacheline.Make[T](cap(s))[:len(s)]
	copy(d, s)
	return d
}

func (mm *matchModel) clone(from *matchModel) {
	mm.tab = slices.Clone(from.tab)
	mm.sm = cloneLine(from.sm)
}

func (b *bank) clone() *bank {
	c := cacheline.New[bank]()
	*c = *b
	c.x = cloneLine(b.x)
	for j := range b.w {
		c.w[j] = slices.Clone(b.w[j])
		if s := b.sw[j]; len(s) > 0 {
			// The selected set, at the same place in the copy: a
			// reslice of w[j] to its end, so its capacity says where.
			off := cap(b.w[j]) - cap(s)
			c.sw[j] = c.w[j][off : off+len(s)]
		}
	}
	return c
}

func (m *mixer) clone() *mixer {
	c := cacheline.New[mixer]()
	*c = *m
	c.w = slices.Clone(m.w)
	c.x = cloneLine(m.x)
	return c
}

func (a *apm) clone() *apm {
	if a == nil {
		return nil
	}
	c := cacheline.New[apm]()
	*c = *a
	c.t = slices.Clone(a.t)
	return c
}

// tableBits is the log2 of the lines per hashed context of a model of
// normalized cfg for a segment of segLen bytes (newModel).
func tableBits(segLen int, cfg Config) int {
	return min(max(bitsFor(segLen)-1, 10), int(cfg.TableBits))
}

// matchBits is the log2 of the entries of a match model's table
// (matchModel.init).
func matchBits(segLen int, cfg Config) int {
	return min(max(bitsFor(segLen), 10), int(cfg.TableBits)+2)
}
