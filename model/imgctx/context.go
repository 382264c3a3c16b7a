package imgctx

import (
	"errors"

	"github.com/dcar-archiver/dcar/internal/cacheline"
)

// Fixed-point format of predictions and errors: Q4 (sample value * 16).
const (
	PredBits = 4
	One      = 1 << PredBits
	MaxQ     = 255 << PredBits
	MaxC     = 4
	pad      = 2
)

// Point predictors of the bank, in the order of Features.Pred. For
// channel 0 (no earlier channel in the pixel) the cross-channel
// predictors fall back to same-channel ones, noted in brackets.
const (
	PredW     = iota // W
	PredN            // N
	PredNE           // NE
	PredGrad         // clamp(W + N - NW)
	PredMED          // LOCO-I median edge detector
	PredGAP          // CALIC gradient-adjusted predictor
	PredAvgWN        // (W + N) / 2
	PredWNE          // clamp(W + NE - N)
	PredXN           // N + (r - N_r), r = previous channel of this pixel [N+NE-NNE]
	PredXW           // W + (r - W_r) [(W + NE)/2]
	PredXGrad        // clamp(grad + (r - grad_r)) [(2W + N + NE)/4 ... ]
	PredXAvg         // (W+N)/2 + (r - (W_r+N_r)/2) with r and second ref averaged [NE + N - NNE avg]
	PredLS           // online least squares
	NumPred
)

// PredNames are short names of the predictors, for reports.
var PredNames = [NumPred]string{"W", "N", "NE", "grad", "MED", "GAP", "avgWN", "W+NE-N", "xN", "xW", "xgrad", "xavg", "LS"}

// Config selects the parts of the bias-logit model; encoder and decoder
// must use the same Config. The zero value is not valid: start from
// DefaultConfig.
type Config struct {
	Single   int  // 0: blend the bank; i+1: use only predictor i
	NoLS     bool // leave the least-squares predictor out (and do not compute it)
	NoBias   bool // no context bias correction
	NoShape  bool // fixed Laplace shape instead of the adaptive shape tables
	LSEvery  int  // solve the LS system every LSEvery pixels (>= 1)
	LSDecay  uint // forgetting: A -= A >> LSDecay per pixel
	LSReg    int64
	ShapeLim uint32 // halve a shape histogram when its total exceeds this
}

// DefaultConfig is the configuration of EncodeStripe, of the ctx-image
// codec and of the context under the shipped network (package model).
var DefaultConfig = Config{LSEvery: 4, LSDecay: 9, LSReg: 1 << 8, ShapeLim: 1 << 26}

// Features are the causal inputs for the next sub-pixel, valid after
// Context.Prepare until Context.Update.
type Features struct {
	X, Y, C int
	// Same-channel neighbours (sample values, Q0): NbrW, NbrN, ...
	Nbr [NumNbr]int32
	// Already-coded channels of the current pixel (Q0); entries >= C are 0.
	Cur [MaxC]int32
	// The bank's predictions (Q4, in [0, MaxQ]).
	Pred [NumPred]int32
	// Causal error magnitude of each predictor: the weighted sum of its
	// absolute errors (Q4) at W, N, NW, NE (weights 2,2,1,1) plus, for
	// C > 0, twice its error on the previous channel of this pixel.
	Err [NumPred]int32
	// Blended prediction after bias correction (Q4), the centre of the
	// bias-logit distribution.
	Blend int32
	// Activity (Q4): the same weighted neighbourhood sum for the blended
	// prediction's errors. Bucket is its quantised log scale.
	Act    int32
	Bucket int
	// Scale (Q4): learned mean absolute error of the blended prediction
	// in this activity bucket.
	Scale int32
}

// Neighbour indices of Features.Nbr.
const (
	NbrW = iota
	NbrN
	NbrNW
	NbrNE
	NbrWW
	NbrNN
	NbrNNE
	NbrNEE
	NumNbr
)

// Context holds the causal state for coding one stripe: W pixels wide,
// Rows rows, C interleaved channels, sub-pixels in raster order. Call
// Prepare (or Logits) for the next sub-pixel, then Update with its value.
type Context struct {
	w, rows, ch int
	cfg         Config
	x, y, c     int
	pixN        int // pixels completed (for the LS solve period)

	pix  [MaxC][3][]int32 // rows: 0 current, 1 above, 2 two above; index x+pad
	perr [MaxC][2][]int32 // per-predictor abs errors, [(x+pad)*NumPred + i]
	berr [MaxC][2][]int32 // blended abs error, x+pad

	ls  [MaxC]lsState
	lsX [MaxLSInputs]int32
	lsB int32 // base (Q0) of the LS inputs of the current sub-pixel

	f        Features
	prepared bool
	p0       int32 // blend before bias correction
	ew       int32 // blend-weighted predictor error
	biasCtx  int
	shapeCtx int

	bias  [MaxC * numBiasCtx]int32 // Q12 mean error (Q4 error << 8)
	scale [MaxC][numBuckets]int32  // Q8 mean abs error (Q4 << 8)
	shape []shapeTable
}

// ErrSize reports invalid stripe dimensions.
var ErrSize = errors.New("imgctx: invalid stripe size")

// MaxWidth bounds the stripe width.
const MaxWidth = 1 << 16

// NewContext returns a context for a stripe of w x rows pixels with ch
// channels.
func NewContext(w, rows, ch int, cfg Config) (*Context, error) {
	if w < 1 || rows < 1 || ch < 1 || ch > MaxC || w > MaxWidth {
		return nil, ErrSize
	}
	if cfg.LSEvery < 1 {
		cfg.LSEvery = 1
	}
	if cfg.LSDecay < 1 || cfg.LSDecay > 12 {
		cfg.LSDecay = 9
	}
	if cfg.ShapeLim < 1<<10 {
		cfg.ShapeLim = 1 << 10
	}
	cx := cacheline.New[Context]() // written at every sub-pixel (cacheline)
	cx.w, cx.rows, cx.ch, cx.cfg = w, rows, ch, cfg
	n := w + 2*pad
	for c := 0; c < ch; c++ {
		for k := range cx.pix[c] {
			cx.pix[c][k] = make([]int32, n)
		}
		for k := range cx.perr[c] {
			cx.perr[c][k] = make([]int32, n*NumPred)
			cx.berr[c][k] = make([]int32, n)
		}
		cx.ls[c].init(lsInputs(c), cfg.LSDecay, cfg.LSReg)
		for b := range cx.scale[c] {
			cx.scale[c][b] = initScale(b)
		}
	}
	cx.shape = make([]shapeTable, ch*numShapeCtx)
	for i := range cx.shape {
		cx.shape[i].init()
	}
	cx.startRow()
	return cx, nil
}

// Pos returns the coordinates of the next sub-pixel; y == rows once the
// stripe is complete.
func (cx *Context) Pos() (x, y, c int) { return cx.x, cx.y, cx.c }

// Done reports whether every sub-pixel has been coded.
func (cx *Context) Done() bool { return cx.y >= cx.rows }

func lsInputs(c int) int {
	n := 8
	if c >= 1 {
		n += 5
	}
	if c >= 2 {
		n += 3
	}
	return n
}

// startRow sets the left padding of the current row(s) before row y.
func (cx *Context) startRow() {
	for c := 0; c < cx.ch; c++ {
		cur := cx.pix[c][0]
		v := int32(128)
		if cx.y > 0 {
			v = cx.pix[c][1][pad]
		}
		cur[0], cur[1] = v, v
		e := cx.perr[c][0]
		for i := 0; i < pad*NumPred; i++ {
			e[i] = 0
		}
		cx.berr[c][0][0], cx.berr[c][0][1] = 0, 0
	}
}

// endRow finishes row y: padding, rotation.
func (cx *Context) endRow() {
	w := cx.w
	for c := 0; c < cx.ch; c++ {
		r := cx.pix[c][0]
		r[0], r[1] = r[pad], r[pad]
		r[w+pad], r[w+pad+1] = r[w+pad-1], r[w+pad-1]
		p := cx.pix[c]
		p[0], p[1], p[2] = p[2], p[0], p[1]
		if cx.y == 0 {
			copy(p[2], p[1])
		}
		cx.pix[c] = p
		e := cx.perr[c][0]
		for i := 0; i < NumPred; i++ {
			e[(w+pad)*NumPred+i] = 0
			e[(w+pad+1)*NumPred+i] = 0
		}
		cx.perr[c][0], cx.perr[c][1] = cx.perr[c][1], cx.perr[c][0]
		b := cx.berr[c][0]
		b[w+pad], b[w+pad+1] = 0, 0
		cx.berr[c][0], cx.berr[c][1] = cx.berr[c][1], cx.berr[c][0]
	}
}

type nbrs struct{ w, n, nw, ne, ww, nn, nne, nee int32 }

func (cx *Context) gather(c int) (r nbrs) {
	i := cx.x + pad
	cur := cx.pix[c][0]
	r.w = cur[i-1]
	r.ww = cur[i-2]
	if cx.y == 0 {
		r.n, r.nw, r.ne, r.nn, r.nne, r.nee = r.w, r.w, r.w, r.w, r.w, r.w
		return
	}
	p1 := cx.pix[c][1]
	p2 := cx.pix[c][2]
	r.n, r.nw, r.ne, r.nee = p1[i], p1[i-1], p1[i+1], p1[i+2]
	r.nn, r.nne = p2[i], p2[i+1]
	return
}

func med(w, n, nw int32) int32 {
	mx, mn := max32(w, n), min32(w, n)
	if nw >= mx {
		return mn
	}
	if nw <= mn {
		return mx
	}
	return w + n - nw
}

// gap is CALIC's gradient-adjusted prediction, in Q4.
func gap(r *nbrs) int32 {
	dh := abs32(r.w-r.ww) + abs32(r.n-r.nw) + abs32(r.n-r.ne)
	dv := abs32(r.w-r.nw) + abs32(r.n-r.nn) + abs32(r.ne-r.nne)
	d := dv - dh
	if d > 80 {
		return r.w << PredBits
	}
	if d < -80 {
		return r.n << PredBits
	}
	// (W+N)/2 + (NE-NW)/4, in Q4
	p := (r.w+r.n)<<3 + (r.ne-r.nw)<<2
	switch {
	case d > 32:
		p = (p + r.w<<PredBits) >> 1
	case d > 8:
		p = (3*p + r.w<<PredBits) >> 2
	case d < -32:
		p = (p + r.n<<PredBits) >> 1
	case d < -8:
		p = (3*p + r.n<<PredBits) >> 2
	}
	return p
}
