package codec

import (
	"io"

	"github.com/dcar-archiver/dcar/format"
)

// SetNetTextMax sets the largest text segment the default preset codes
// through the network and returns a function that restores it.
func SetNetTextMax(n int64) (restore func()) {
	old := netTextMax
	netTextMax = n
	return func() { netTextMax = old }
}

// Internals for the external tests (package codec_test), which go
// through package archive and so cannot be in this package.

var (
	SmoothImage = smoothImage
	PPMFile     = ppmFile
	BMPFile     = bmpFile
	PNGOf       = pngOf
	BZ2Fixtures = bz2Fixtures
	GzFixtures  = gzipFixtures

	PlanBZ2        = planBZ2
	PlanGzip       = planGzip
	PlanModelText  = planModelText
	PlanImageBest  = planImageBest
	PlanPNGBest    = planPNGBest
	PlanPNG        = planPNG
	PlanJPEG       = planJPEG
	PlanGIF        = planGIF
	PlanTIFF       = planTIFF
	PlanBMP        = planBMP
	PlanCMText     = planCMText
	PlanCMTextLite = planCMTextLite
	PlanCMBin      = planCMBin
)

const (
	ParamsVersion     = paramsVersion
	PNGParamsVersion  = pngParamsVersion
	PNGParamsVersion2 = pngParamsVersion2
)

// PlanText routes text to ctx-text, which is no longer written; the
// golden archives written with ctx-text use it.
func PlanText(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	return ctxText.plan(k, r, size)
}

// PlanCtxImage plans image containers as ctx-image (imgctx alone).
func PlanCtxImage(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	return planCtxImage(k, r, size)
}

// PlanImageNet plans image containers as model-image with the network
// whose fingerprint current returns.
func PlanImageNet(current func() ([8]byte, error)) Planner {
	c := modelImage
	c.current = current
	return func(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
		return planImageWith(c, nil, format.CodecModelImage, k, r, size)
	}
}

// SetSplitSamples sets SplitSamples for a test and returns the old value.
func SetSplitSamples(n int) int { old := SplitSamples; SplitSamples = n; return old }
