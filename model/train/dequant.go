package train

import (
	"fmt"
	"math"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/kernel"
)

// Dequantize is Quantize's inverse: the float network whose weights
// Quantize turns back into q's. Every row's weights are its integers
// times the row's scale, read back from the row's requantisation Scale
// (whose 31-bit mantissa holds it to about 2^-31), and the row's largest
// integer is ±WeightMax, so Quantize finds the same scale and integers
// again; biases, token rows, token-shift mixes, decays and α come back
// the same way. The activation formats are not weights: Quantize picks
// them again from its calibration batch (on the batch that chose q's,
// the same ones). The adaptation settings (AdaptShift, SA3,
// AdaptByChannel, Seq) are Quantize's and the exporter's arguments, not
// the network's.
//
// Dequantize lets training start from a shipped network of which only
// the weight file is left: fine-tuning (a domain model), or retraining
// one modality beside the other kept bit for bit.
func Dequantize(q *model.QNet) (*Net, error) {
	H := q.H
	cfg := Config{H: H, Rec: q.Rec(), Text: q.Text, Start: q.St != nil}
	if H <= 0 || (cfg.Rec && H%model.HeadN != 0) {
		return nil, fmt.Errorf("train: cannot dequantise hidden size %d", H)
	}
	n := NewNet(cfg, 1)
	nf, nout := cfg.nf(), cfg.nout()
	if err := checkSizes([]tensorSize{{"W1", len(q.W1), H * nf}, {"S1", len(q.S1), H}, {"B1", len(q.B1), H}, {"W2", len(q.W2), H * H},
		{"S2", len(q.S2), H}, {"B2", len(q.B2), H}, {"W3", len(q.W3), nout * H}, {"S3", len(q.S3), nout}, {"B3", len(q.B3), nout}}); err != nil {
		return nil, err
	}
	const inScale = 1.0 / featOne
	h1Scale := math.Ldexp(1, -int(q.FH1))
	h2Scale := math.Ldexp(1, -int(q.FH2))

	sw := rowsFrom(n.W1, q.W1, q.S1, nf, inScale*math.Ldexp(1, int(q.FH1)))
	biasFrom(n.B1, q.B1, sw, inScale)
	if cfg.Text {
		if err := checkSizes([]tensorSize{{"E", len(q.E), 256 * H}}); err != nil {
			return nil, err
		}
		for b := range 256 {
			biasFrom(n.E[b*H:(b+1)*H], q.E[b*H:(b+1)*H], sw, inScale)
		}
	}
	if cfg.Start {
		if err := checkSizes([]tensorSize{{"St", len(q.St), H}}); err != nil {
			return nil, err
		}
		for i, v := range q.St {
			n.St[i] = float32(math.Ldexp(float64(v), -int(q.FH1)))
		}
	}
	if cfg.Rec {
		if err := checkSizes([]tensorSize{{"MuR", len(q.MuR), H}, {"MuK", len(q.MuK), H}, {"MuV", len(q.MuV), H}, {"Wr", len(q.Wr), H * H},
			{"Wk", len(q.Wk), H * H}, {"Wv", len(q.Wv), H * H}, {"Wo", len(q.Wo), H * H}, {"Dec", len(q.Dec), H}, {"Alpha", len(q.Alpha), H},
			{"Sr", len(q.Sr), H}, {"Sk", len(q.Sk), H}, {"Sv", len(q.Sv), H}, {"So", len(q.So), H}}); err != nil {
			return nil, err
		}
		from16(n.MuR, q.MuR)
		from16(n.MuK, q.MuK)
		from16(n.MuV, q.MuV)
		rowsFrom(n.Wr, q.Wr, q.Sr, H, h1Scale*math.Ldexp(1, int(q.FR)))
		rowsFrom(n.Wk, q.Wk, q.Sk, H, h1Scale*math.Ldexp(1, int(q.FK)))
		rowsFrom(n.Wv, q.Wv, q.Sv, H, h1Scale*math.Ldexp(1, int(q.FV)))
		rowsFrom(n.Wo, q.Wo, q.So, H, math.Ldexp(1, int(q.FH1)-int(q.FY)))
		for c := range H {
			n.W0[c] = float32(decayParam(float64(q.Dec[c]) / 65536))
			n.A0[c] = float32(logit(float64(q.Alpha[c]) / 65536))
		}
	}
	sw = rowsFrom(n.W2, q.W2, q.S2, H, h1Scale*math.Ldexp(1, int(q.FH2)))
	biasFrom(n.B2, q.B2, sw, h1Scale)
	f3 := make([]float64, nout)
	for k := range f3 {
		f3[k] = h2Scale * 4096 / math.Ln2
	}
	if cfg.Text {
		f3[256] = h2Scale * 4096 // the mixture-scale row: a plain factor
	}
	sw = make([]float64, nout)
	for k := range nout {
		sw[k] = scaleValue(q.S3[k]) / f3[k]
		for j := range H {
			n.W3[k*H+j] = float32(float64(q.W3[k*H+j]) * sw[k])
		}
	}
	biasFrom(n.B3, q.B3, sw, h2Scale)
	return n, nil
}

// A tensorSize is a tensor's name, its length and the length it must have.
type tensorSize struct {
	name   string
	got, n int
}

// checkSizes fails naming the first tensor whose length is not its n.
func checkSizes(ts []tensorSize) error {
	for _, t := range ts {
		if t.got != t.n {
			return fmt.Errorf("train: dequantise: %s has %d values, want %d", t.name, t.got, t.n)
		}
	}
	return nil
}

// scaleValue is the factor a Scale stands for.
func scaleValue(s kernel.Scale) float64 { return math.Ldexp(float64(s.Mult), -int(s.Shift)) }

// rowsFrom writes the float rows of the integer matrix q (rows of cols
// values, row i's requantisation Scale s[i] = sw_i·f) into w and returns
// the row scales sw.
func rowsFrom(w []float32, q []int16, s []kernel.Scale, cols int, f float64) []float64 {
	sw := make([]float64, len(s))
	for i := range s {
		sw[i] = scaleValue(s[i]) / f
		for j := range cols {
			w[i*cols+j] = float32(float64(q[i*cols+j]) * sw[i])
		}
	}
	return sw
}

// biasFrom is accBias's inverse.
func biasFrom(b []float32, acc []int32, sw []float64, inScale float64) {
	for i, v := range acc {
		b[i] = float32(float64(v) * sw[i] * inScale)
	}
}

func from16(x []float32, q []int32) {
	for i, v := range q {
		x[i] = float32(float64(v) / 65536)
	}
}

// decayParam is the W0 whose decay (tmStatic: exp(-exp(-softplus(-W0)
// - 0.5))) is dec, clamped into what a float32 W0 can reach.
func decayParam(dec float64) float64 {
	dec = min(max(dec, 1e-12), 1-1e-12)
	ew := -math.Log(dec)                // exp(-softplus(-W0) - 0.5)
	sp := max(-math.Log(ew)-0.5, 1e-12) // softplus(-W0) = log(1 + exp(-W0))
	return -math.Log(math.Expm1(sp))    // -W0 = log(exp(sp) - 1)
}

// logit is sigm's inverse, clamped away from 0 and 1.
func logit(p float64) float64 {
	p = min(max(p, 1e-9), 1-1e-9)
	return math.Log(p / (1 - p))
}

// FromDual builds a trainable unified network of configuration cfg from
// the integer pair d (a shipped weight file): each modality's tensors
// dequantised (Dequantize), the shared ones (the time-mix output
// projection, the FFN's shared expert) from the image network, where
// the text network holds the same integers. HiRA branches start at zero
// (NewUnified), so the effective networks are the dequantised ones.
func FromDual(d *model.Dual, cfg UConfig, seed uint64) (*Unified, error) {
	if !cfg.Switch || d.Img.H != cfg.H || (cfg.MoE && cfg.Hs != d.Hs) || (!cfg.MoE && d.Hs != cfg.H) {
		return nil, fmt.Errorf("train: configuration (h %d, switch %v, moe %v, hs %d) does not fit the weight file (h %d, hs %d)",
			cfg.H, cfg.Switch, cfg.MoE, cfg.Hs, d.Img.H, d.Hs)
	}
	img, err := Dequantize(d.Img)
	if err != nil {
		return nil, fmt.Errorf("image network: %w", err)
	}
	txt, err := Dequantize(d.Txt)
	if err != nil {
		return nil, fmt.Errorf("text network: %w", err)
	}
	u, err := NewUnified(cfg, img, seed)
	if err != nil {
		return nil, err
	}
	imgOwned := make([]bool, len(u.U))
	for _, j := range u.mapI {
		imgOwned[j] = true
	}
	for i, j := range u.mapT {
		if !imgOwned[j] {
			u.U[j] = txt.P[i]
		}
	}
	// The shared expert's biases are one float each but two integers,
	// one per modality's accumulator unit: take the middle of the values
	// both integers stand for, so that each modality quantises back to
	// its own.
	oi, ot := spanOffset(u.Img, "B2"), spanOffset(u.Txt, "B2")
	for i := range d.Hs {
		if u.mapI[oi+i] != u.mapT[ot+i] {
			continue // not shared (MoE off: Hs is H and every unit is)
		}
		ui := scaleValue(d.Img.S2[i]) / math.Ldexp(1, int(d.Img.FH2))
		ut := scaleValue(d.Txt.S2[i]) / math.Ldexp(1, int(d.Txt.FH2))
		ai, at := float64(d.Img.B2[i]), float64(d.Txt.B2[i])
		lo := max((ai-0.5)*ui, (at-0.5)*ut)
		hi := min((ai+0.5)*ui, (at+0.5)*ut)
		if lo > hi {
			return nil, fmt.Errorf("train: shared FFN bias %d: the modalities' integers %d and %d stand for no common value", i, d.Img.B2[i], d.Txt.B2[i])
		}
		u.U[u.mapI[oi+i]] = float32((lo + hi) / 2)
	}
	u.Sync()
	return u, nil
}

// spanOffset is where tensor name starts in n.P.
func spanOffset(n *Net, name string) int {
	off := 0
	for _, s := range n.spans() {
		if s.name == name {
			return off
		}
		off += s.n
	}
	panic("train: no tensor " + name)
}
