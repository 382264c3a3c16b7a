package train

import (
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/kernel"
)

// The unified network stage: one parameter set for both modalities
// (DualComp), of which each modality runs its own dense network:
//
//   - tokenisation: the token table holds the text bytes' rows (E) and
//     one start vector per modality (St); images enter through imgctx's
//     features, text through txtctx's summaries plus E[previous byte].
//     The output rows are modality-specific too (image render bins and
//     hats; 256 text bytes and the mixture scale) and only the current
//     modality's rows are computed (the logit masking).
//   - modality switching: per-modality time-mix sets (token-shift mixes,
//     r/k/v projections, decay and α) selected by the known modality; the
//     output projection Wo is shared. Off (Switch false): text uses the
//     image set.
//   - modality-routed MoE: the FFN's first Hs units are a shared expert,
//     the other H-Hs units the modality's own expert (hard routing, so a
//     token runs one dense H-unit FFN). Off (MoE false): the whole FFN is
//     shared.
//   - HiRA: every projection (W1, Wr, Wk, Wv, Wo, FFN blocks) is trained
//     as W + B·A with A [r·In×In], B [Out×r·In]; the effective nets (and
//     the exported weights) use the merged W' = W + B·A.
//
// U holds every trained parameter once; the effective per-modality
// networks Img and Txt are gathered from it (Sync) and their gradients
// scattered back (Grad), so shared tensors receive both modalities'
// gradients.

// UConfig selects the parts of the unified network.
type UConfig struct {
	H      int
	Switch bool // per-modality time-mix sets
	MoE    bool // shared + modality FFN experts (else one shared FFN)
	Hs     int  // shared expert units when MoE
	HiRA   int  // rank factor of the training-time branches; 0 = off
	// NoTokens removes the token-table inputs (ablation of the unified
	// tokenisation): the text byte rows E and both start vectors St stay
	// zero (frozen).
	NoTokens bool
}

type hiraMat struct {
	w, a, b       int // offsets in U
	out, in, rank int
}

// Unified is the trainable unified network.
type Unified struct {
	Cfg        UConfig
	U          []float32
	Decay      []bool
	Img, Txt   *Net
	mapI, mapT []int32
	hira       []hiraMat
	eff        []float32
	frozen     []int32 // U indices Grad gives no gradient: NoTokens' rows (held at zero) and, after FreezeImage, all the image network uses
}

// shared reports whether element i of tensor name (of a net with hidden
// size H) is shared between the modalities under cfg.
func (c UConfig) shared(name string, i int) bool {
	switch name {
	case "Wo":
		return true
	case "MuR", "MuK", "MuV", "Wr", "Wk", "Wv", "W0", "A0":
		return !c.Switch
	case "W2":
		return !c.MoE || i/c.H < c.Hs
	case "B2":
		return !c.MoE || i < c.Hs
	}
	return false
}

// hiraNames are the projections trained with a HiRA branch.
var hiraNames = map[string]bool{"W1": true, "Wr": true, "Wk": true, "Wv": true, "Wo": true, "W2": true}

// NewUnified builds the unified network. img, if not nil, initialises
// the image modality (an image Net with the time-mix, same H); the text
// modality starts from random weights with a zero head (txtctx exactly).
// HiRA branches start with B = 0, so the initial function is unchanged.
func NewUnified(cfg UConfig, img *Net, seed uint64) (*Unified, error) {
	if img != nil && (img.Cfg.H != cfg.H || !img.Cfg.Rec || img.Cfg.Text) {
		return nil, errors.New("train: init network must be an image network with time-mix and the same H")
	}
	if cfg.MoE && (cfg.Hs <= 0 || cfg.Hs >= cfg.H) {
		return nil, errors.New("train: MoE needs 0 < Hs < H")
	}
	u := &Unified{Cfg: cfg}
	u.Img = NewNet(Config{H: cfg.H, Rec: true, Start: true}, seed)
	u.Txt = NewNet(Config{H: cfg.H, Rec: true, Text: true, Start: true}, seed+1)
	if img != nil {
		src := map[string][]float32{}
		for _, s := range img.spans() {
			src[s.name] = *s.p
		}
		for _, s := range u.Img.spans() {
			if v, ok := src[s.name]; ok {
				copy(*s.p, v)
			}
		}
	}
	// Image tensors own their places; text tensors own theirs unless
	// shared. Text weights initialised for shared places are dropped.
	where := map[string]int{}
	for _, s := range u.Img.spans() {
		where[s.name] = len(u.U)
		for i := 0; i < s.n; i++ {
			u.mapI = append(u.mapI, int32(len(u.U)))
			u.U = append(u.U, (*s.p)[i])
			u.Decay = append(u.Decay, s.wd)
		}
	}
	if cfg.NoTokens {
		for _, s := range u.Img.spans() {
			if s.name == "St" {
				for i := 0; i < s.n; i++ {
					u.frozen = append(u.frozen, int32(where[s.name]+i))
				}
			}
		}
	}
	ownT := map[string]int{}
	for _, s := range u.Txt.spans() {
		for i := 0; i < s.n; i++ {
			if cfg.shared(s.name, i) {
				u.mapT = append(u.mapT, int32(where[s.name]+i))
				continue
			}
			if _, ok := ownT[s.name]; !ok {
				ownT[s.name] = len(u.U)
			}
			if cfg.NoTokens && (s.name == "E" || s.name == "St") {
				u.frozen = append(u.frozen, int32(len(u.U)))
			}
			u.mapT = append(u.mapT, int32(len(u.U)))
			u.U = append(u.U, (*s.p)[i])
			u.Decay = append(u.Decay, s.wd)
		}
	}
	if cfg.HiRA > 0 {
		rng := rand.New(rand.NewPCG(seed, 0x41))
		add := func(w, out, in int) {
			r := cfg.HiRA * in
			m := hiraMat{w: w, out: out, in: in, rank: r, a: len(u.U)}
			std := 1 / math.Sqrt(float64(in))
			for i := 0; i < r*in; i++ {
				u.U = append(u.U, float32(rng.NormFloat64()*std))
				u.Decay = append(u.Decay, true)
			}
			m.b = len(u.U)
			u.U = append(u.U, make([]float32, out*r)...)
			for i := 0; i < out*r; i++ {
				u.Decay = append(u.Decay, true)
			}
			u.hira = append(u.hira, m)
		}
		H := cfg.H
		for _, s := range u.Img.spans() {
			if hiraNames[s.name] {
				add(where[s.name], H, s.n/H) // [H×In]
			}
		}
		for _, s := range u.Txt.spans() {
			off, ok := ownT[s.name]
			if !ok || !hiraNames[s.name] {
				continue
			}
			in := s.n / H // every HiRA matrix has H rows
			own := 0
			for i := 0; i < s.n; i++ {
				if !cfg.shared(s.name, i) {
					own++
				}
			}
			add(off, own/in, in)
		}
	}
	for _, i := range u.frozen { // NoTokens: zero and frozen
		u.U[i] = 0
	}
	u.eff = make([]float32, len(u.U))
	u.Sync()
	return u, nil
}

// FreezeImage stops training of everything the image network uses (its
// own tensors, the shared ones and their HiRA branches): Grad zeroes
// their gradients and weight decay skips them, so only text-only
// parameters change and the image network stays bit for bit.
func (u *Unified) FreezeImage() {
	used := map[int32]bool{}
	for _, j := range u.mapI {
		used[j] = true
	}
	for _, m := range u.hira {
		if used[int32(m.w)] {
			for i := m.a; i < m.a+m.rank*m.in; i++ {
				used[int32(i)] = true
			}
			for i := m.b; i < m.b+m.out*m.rank; i++ {
				used[int32(i)] = true
			}
		}
	}
	for j := range used {
		u.frozen = append(u.frozen, j)
		u.Decay[j] = false
	}
	slices.Sort(u.frozen)
}

// ZeroTokenRows sets the text token rows E[c] with zero(c) to zero and
// returns how many it cleared.
func (u *Unified) ZeroTokenRows(zero func(c byte) bool) int {
	H := u.Cfg.H
	off := 0
	for _, s := range u.Txt.spans() {
		if s.name == "E" {
			break
		}
		off += s.n
	}
	n := 0
	for c := 0; c < 256; c++ {
		if !zero(byte(c)) {
			continue
		}
		n++
		for i := 0; i < H; i++ {
			u.U[u.mapT[off+c*H+i]] = 0
		}
	}
	u.Sync()
	return n
}

// Sync gathers the effective networks Img and Txt from U (HiRA merged).
func (u *Unified) Sync() {
	copy(u.eff, u.U)
	for _, m := range u.hira {
		kernel.SgemmNN(m.out, m.in, m.rank, u.U[m.b:], m.rank, u.U[m.a:], m.in, u.eff[m.w:], m.in, true)
	}
	for i, j := range u.mapI {
		u.Img.P[i] = u.eff[j]
	}
	for i, j := range u.mapT {
		u.Txt.P[i] = u.eff[j]
	}
}

// Grad turns gradients of the effective networks (same layouts as
// Img.P and Txt.P; either may be nil) into the gradient g of U (which it
// overwrites).
func (u *Unified) Grad(g, gI, gT []float32) {
	clear(g)
	for i, j := range u.mapI {
		if gI != nil {
			g[j] += gI[i]
		}
	}
	for i, j := range u.mapT {
		if gT != nil {
			g[j] += gT[i]
		}
	}
	for _, m := range u.hira {
		dM := g[m.w : m.w+m.out*m.in]
		// dA [r×In] += Bᵀ·dM; dB [Out×r] += dM·Aᵀ
		kernel.SgemmTN(m.rank, m.in, m.out, u.U[m.b:], m.rank, dM, m.in, g[m.a:], m.in, true)
		kernel.SgemmNT(m.out, m.rank, m.in, dM, m.in, u.U[m.a:], m.in, g[m.b:], m.rank, true)
	}
	for _, i := range u.frozen {
		g[i] = 0
	}
}

const uckptMagic = "DUALNET1"

// Save writes U and the configuration atomically.
func (u *Unified) Save(path string) error {
	buf := []byte(uckptMagic)
	c := u.Cfg
	for _, v := range []int{c.H, b2i(c.Switch), b2i(c.MoE) | b2i(c.NoTokens)<<1, c.Hs, c.HiRA, len(u.U)} {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(v))
	}
	return model.WriteFileAtomic(path, appendFloats(buf, u.U))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// LoadUnified reads a checkpoint written by Save.
func LoadUnified(path string) (*Unified, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseUnified(b)
}

// IsUnified reports whether b starts as a checkpoint Save writes.
func IsUnified(b []byte) bool { return len(b) >= 8 && string(b[:8]) == uckptMagic }

// ParseUnified reads the bytes of a checkpoint written by Save.
func ParseUnified(b []byte) (*Unified, error) {
	if len(b) < 32 || !IsUnified(b) {
		return nil, errors.New("train: bad unified checkpoint")
	}
	v := func(i int) int { return int(binary.LittleEndian.Uint32(b[8+4*i:])) }
	cfg := UConfig{H: v(0), Switch: v(1) == 1, MoE: v(2)&1 == 1, NoTokens: v(2)&2 != 0, Hs: v(3), HiRA: v(4)}
	u, err := NewUnified(cfg, nil, 1)
	if err != nil {
		return nil, err
	}
	if v(5) != len(u.U) || len(b) != 32+4*len(u.U) {
		return nil, errors.New("train: unified checkpoint size mismatch")
	}
	readFloats(u.U, b[32:])
	u.Sync()
	return u, nil
}
