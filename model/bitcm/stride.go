package bitcm

import (
	"gonum.org/v1/gonum/dsp/fourier"
)

// DetectStride guesses the record length of binary data (the row length
// of an image in bytes, the record size of a table), or returns 0. It
// looks at the autocorrelation of the first strideSample bytes (mean
// removed, through an FFT): a record structure shows as a peak at the
// record length that stands above its neighbours. The encoder runs it
// and stores the result, so the floating point here never reaches the
// decoder; the model itself only uses the stored number.
func DetectStride(b []byte) int {
	b = b[:min(len(b), strideSample)]
	if len(b) < 4*minStride {
		return 0
	}
	n := 1
	for n < 2*len(b) {
		n <<= 1
	}
	var mean float64
	for _, c := range b {
		mean += float64(c)
	}
	mean /= float64(len(b))
	x := make([]float64, n)
	for i, c := range b {
		x[i] = float64(c) - mean
	}
	fft := fourier.NewFFT(n)
	f := fft.Coefficients(nil, x)
	for i, c := range f {
		f[i] = complex(real(c)*real(c)+imag(c)*imag(c), 0)
	}
	ac := fft.Sequence(nil, f)
	if ac[0] <= 0 {
		return 0
	}
	maxD := min(MaxStride, len(b)/4)
	best, bestScore := 0, 0.0
	for d := minStride; d < maxD; d++ {
		// Normalised by the number of overlapping pairs, the peak's
		// height above the mean of its neighbours at d±1 and d±2.
		r := ac[d] / float64(len(b)-d)
		nb := (ac[d-1]/float64(len(b)-d+1) + ac[d+1]/float64(len(b)-d-1) +
			ac[d-2]/float64(len(b)-d+2) + ac[d+2]/float64(len(b)-d-2)) / 4
		if s := r - nb; s > bestScore {
			best, bestScore = d, s
		}
	}
	v := ac[0] / float64(len(b))
	if bestScore < strideMinPeak*v {
		return 0
	}
	return best
}

const (
	minStride     = 5
	strideSample  = 1 << 20
	strideMinPeak = 0.1 // peak height, relative to the variance
	// MaxStride is the largest record length the model takes.
	MaxStride = 1 << 15
)
