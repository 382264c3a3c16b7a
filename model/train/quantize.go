package train

import (
	"fmt"
	"math"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/kernel"
)

// Activation headroom: calibration picks each Q format so that the
// largest activation seen is at most actLimit (a quarter of int16's
// range), and the WKV state at most stateLimit.
const (
	actLimit   = 8192
	stateLimit = 1 << 27
)

// fracBits returns the largest F (clamped to [lo, hi]) with maxAbs·2^F <= limit.
func fracBits(maxAbs float64, limit float64, lo, hi int) uint {
	if maxAbs <= 0 {
		return uint(hi)
	}
	f := int(math.Floor(math.Log2(limit / maxAbs)))
	return uint(max(lo, min(hi, f)))
}

func maxAbs(x []float32) float64 {
	var m float64
	for _, v := range x {
		m = math.Max(m, math.Abs(float64(v)))
	}
	return m
}

// quantRows quantises a rows×cols matrix with one scale per row
// (symmetric, |q| <= WeightMax) and returns the integers and scales.
func quantRows(w []float32, rows, cols int) ([]int16, []float64) {
	q := make([]int16, rows*cols)
	sc := make([]float64, rows)
	for i := 0; i < rows; i++ {
		row := w[i*cols : (i+1)*cols]
		m := maxAbs(row)
		if m == 0 {
			m = 1
		}
		s := m / model.WeightMax
		sc[i] = s
		for j, v := range row {
			q[i*cols+j] = int16(math.Round(float64(v) / s))
		}
	}
	return q, sc
}

// rowScales returns kernel Scales sw_i·f for every row scale.
func rowScales(sw []float64, f float64) []kernel.Scale {
	s := make([]kernel.Scale, len(sw))
	for i, v := range sw {
		s[i] = kernel.NewScale(v * f)
	}
	return s
}

// accBias converts a float bias to accumulator units sw_i·inScale.
func accBias(b []float32, sw []float64, inScale float64) []int32 {
	out := make([]int32, len(b))
	for i, v := range b {
		out[i] = int32(max(-1<<30, min(1<<30, math.Round(float64(v)/(sw[i]*inScale)))))
	}
	return out
}

func q16(x []float32) []int32 {
	out := make([]int32, len(x))
	for i, v := range x {
		out[i] = int32(math.Round(float64(v) * 65536))
	}
	return out
}

// Quantize builds the integer network from n, choosing activation
// formats from a float forward pass over calib (training data: never an
// evaluation set). seq is the state-reset period the network was trained
// with. The head adapts online while coding: its bias at learning rate
// 2^-adaptShift (log2 units) if adaptShift > 0, and its matrix at
// learning rate lrHead (per real weight and nat, as in EvaluateOnline)
// if lrHead > 0 (which needs adaptShift > 0).
func Quantize(n *Net, calib *Batch, seq int, adaptShift uint, lrHead float64) (*model.QNet, error) {
	var w Work
	n.Forward(calib, &w, nil, false)
	f := formats{fh1: fracBits(math.Max(math.Max(maxAbs(w.h1), maxAbs(w.hr)), maxAbs(n.St)), actLimit, 0, 14),
		fh2: fracBits(maxAbs(w.h2), actLimit, 0, 14)}
	if n.Cfg.Rec {
		t := &w.tm
		f.fr = fracBits(maxAbs(t.r), actLimit, 0, 14)
		f.fk = fracBits(maxAbs(t.kr), actLimit, 0, 14)
		f.fv = fracBits(maxAbs(t.v), actLimit, 0, 14)
		f.fy = fracBits(maxAbs(t.y), actLimit, 0, 14)
		f.fs = fracBits(maxAbs(t.states), stateLimit, 0, 24)
	}
	return quantizeWith(n, f, seq, adaptShift, lrHead)
}

// formats are the activation formats (fractional bits) of a QNet.
type formats struct{ fh1, fh2, fr, fk, fv, fy, fs uint }

// formatsOf returns q's activation formats.
func formatsOf(q *model.QNet) formats {
	return formats{fh1: q.FH1, fh2: q.FH2, fr: q.FR, fk: q.FK, fv: q.FV, fy: q.FY, fs: q.FS}
}

// quantizeWith is Quantize with the activation formats f given.
func quantizeWith(n *Net, f formats, seq int, adaptShift uint, lrHead float64) (*model.QNet, error) {
	H := n.Cfg.H
	if H > 128 || (n.Cfg.Rec && H%model.HeadN != 0) {
		return nil, fmt.Errorf("train: cannot quantise hidden size %d", H)
	}
	q := &model.QNet{H: H, Seq: seq, Text: n.Cfg.Text}
	q.FH1, q.FH2 = f.fh1, f.fh2
	const inScale = 1.0 / featOne
	h1Scale := math.Ldexp(1, -int(q.FH1))
	h2Scale := math.Ldexp(1, -int(q.FH2))

	var sw []float64
	q.W1, sw = quantRows(n.W1, H, n.Cfg.nf())
	q.S1 = rowScales(sw, inScale*float64(int(1)<<q.FH1))
	q.B1 = accBias(n.B1, sw, inScale)
	if n.Cfg.Text {
		q.E = make([]int32, 0, 256*H)
		for b := 0; b < 256; b++ {
			q.E = append(q.E, accBias(n.E[b*H:(b+1)*H], sw, inScale)...)
		}
	}
	if n.St != nil {
		q.St = make([]int16, H)
		for i, v := range n.St {
			q.St[i] = kernel.SatInt16(int64(math.Round(math.Ldexp(float64(v), int(q.FH1)))))
		}
	}

	if n.Cfg.Rec {
		q.FR, q.FK, q.FV, q.FY, q.FS = f.fr, f.fk, f.fv, f.fy, f.fs
		q.MuR, q.MuK, q.MuV = q16(n.MuR), q16(n.MuK), q16(n.MuV)
		q.Wr, sw = quantRows(n.Wr, H, H)
		q.Sr = rowScales(sw, h1Scale*math.Ldexp(1, int(q.FR)))
		q.Wk, sw = quantRows(n.Wk, H, H)
		q.Sk = rowScales(sw, h1Scale*math.Ldexp(1, int(q.FK)))
		q.Wv, sw = quantRows(n.Wv, H, H)
		q.Sv = rowScales(sw, h1Scale*math.Ldexp(1, int(q.FV)))
		q.Sg = kernel.NewScale(math.Ldexp(1, 12-int(q.FH1)))
		var tw tmWork
		n.tmStatic(&tw)
		q.Dec, q.Alpha = q16(tw.dec), q16(tw.al)
		if q.FS+q.FR < q.FY {
			return nil, fmt.Errorf("train: state format Q%d finer than its inputs", q.FS)
		}
		q.Wo, sw = quantRows(n.Wo, H, H)
		q.So = rowScales(sw, math.Ldexp(1, int(q.FH1)-int(q.FY)))
	}
	q.W2, sw = quantRows(n.W2, H, H)
	q.S2 = rowScales(sw, h1Scale*math.Ldexp(1, int(q.FH2)))
	q.B2 = accBias(n.B2, sw, h1Scale)
	q.W3, sw = quantRows(n.W3, n.Cfg.nout(), H)
	// head outputs are nats; the render works in log2 units, Q12 (the
	// text head's mixture-scale row is a plain factor, Q12)
	q.S3 = rowScales(sw, h2Scale*4096/math.Ln2)
	if n.Cfg.Text {
		q.S3[256] = kernel.NewScale(sw[256] * h2Scale * 4096)
	}
	q.B3 = accBias(n.B3, sw, h2Scale)
	q.AdaptShift = adaptShift
	if lrHead > 0 {
		if adaptShift == 0 {
			return nil, fmt.Errorf("train: head-matrix adaptation needs bias adaptation")
		}
		// Δ(W3·2^HeadFrac)[k][j] = -lrHead·2^HeadFrac·2^-FH2/(2^16·sw_k)·g_k·h2_j
		// with g in Q16; SA3 carries it with 16 more bits.
		q.SA3 = make([]kernel.Scale, len(sw))
		for k := range q.SA3 {
			q.SA3[k] = kernel.NewScale(lrHead * math.Ldexp(1, model.HeadFrac-int(q.FH2)) / sw[k])
		}
	}
	return q, nil
}

// QuantizeLike quantises n, a network fine-tuned from like (Dequantize),
// with like's activation formats, state-reset period and online
// adaptation (bias shift, per-channel bias, and a head-matrix rate of
// lrHead, the exporter's argument that like's SA3 was made with), so
// that the result differs from like in its weights only; no calibration
// pass. QuantizeLike(Dequantize(q), q, rate) is q again.
func QuantizeLike(n *Net, like *model.QNet, lrHead float64) (*model.QNet, error) {
	if n.Cfg.H != like.H || n.Cfg.Rec != like.Rec() || n.Cfg.Text != like.Text {
		return nil, fmt.Errorf("train: network (h %d) does not have the layout of the one it is quantised like (h %d)", n.Cfg.H, like.H)
	}
	q, err := quantizeWith(n, formatsOf(like), like.Seq, like.AdaptShift, lrHead)
	if err != nil {
		return nil, err
	}
	q.AdaptByChannel = like.AdaptByChannel
	return q, nil
}
