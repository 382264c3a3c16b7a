package domain

import (
	"errors"
	"math/bits"

	"github.com/dcar-archiver/dcar/model"
)

// An archive of many flat images (screenshots, diagrams, pages of text)
// codes each of them with a context-mixing stage that starts cold: what
// one screenshot taught it about the archive's widgets, fonts and colours
// is lost at the next. A self primer carries some of the archive's own
// flat images as a primer of the stage (section 7.4 of the spec, "A
// stage with a primer"), in a domain model whose only part is that
// primer: every flat image of the archive then runs over what they hold.
// The images in the primer are coded twice, once in the primer (with
// imgctx's prior, a little larger than as an entry) and once as entries,
// the second time over tables that hold them exactly, so nearly free:
// the primer costs about as much as those images would as entries.
const (
	// selfPrimerShare: the primer takes at most 1/selfPrimerShare of the
	// archive's flat sub-pixels (and maxPrimerSamples).
	selfPrimerShare = 4
	// MaxSelfPool bounds the flat sub-pixels SelfPrimer chooses from
	// (their pixels are held in memory while it chooses): a caller may
	// stop gathering files there.
	MaxSelfPool = 64 << 20
	// SelfPrimerInfo is the description of a self primer's model.
	SelfPrimerInfo = "self primer: the stage primed with this archive's own flat images"
)

// SelfPrimer returns the model an archive of files carries to prime its
// pixel stage with its own flat images: a primer of the flat PNGs among
// files, chosen by coverage (coverImages) up to a quarter of their
// sub-pixels and maxPrimerSamples, over the default network, with 2^T
// lines per context for the primer's size (selfPrimerBits). It returns
// nil (and no error) when files have fewer than least flat sub-pixels.
// The result is deterministic in files (their bytes and order).
func SelfPrimer(files []Sample, least int64) (*Model, error) {
	total := flatSubpixels(files)
	if total < max(least, 1) {
		return nil, nil
	}
	pool, _ := stageImages(files, MaxSelfPool)
	chosen := coverImages(pool, min(maxPrimerSamples, total/selfPrimerShare))
	if len(chosen) == 0 {
		return nil, nil
	}
	var n int64
	for _, im := range chosen {
		n += int64(len(im.Pix))
	}
	p, err := model.NewStagePrimer(chosen, selfPrimerBits(n))
	if err != nil {
		return nil, err
	}
	def, err := model.Default()
	if err != nil {
		return nil, err
	}
	b, err := Encode(def.Fingerprint, SelfPrimerInfo, Parts{StagePrimer: p})
	if err != nil {
		return nil, err
	}
	m, err := Parse(b)
	if err != nil {
		return nil, err
	}
	// The parsed primer is p's stored form: take p, whose primed stage
	// NewStagePrimer kept, so that this process does not read it again
	// (~3.3 s a million sub-pixels, and a second copy of its tables).
	if m.image == nil || m.image.StagePrimer == nil || m.image.StagePrimer.Sum() != p.Sum() {
		return nil, errors.New("domain: self primer does not parse back")
	}
	m.image = m.image.WithStage(m.image.StageWarm, p)
	return m, nil
}

// selfPrimerBits is the table bits of a primer of n sub-pixels: about a
// line per 8 sub-pixels, from 2^14 to 2^20 lines per context (primerBits,
// 872 MB of tables, for 8 Mi sub-pixels).
func selfPrimerBits(n int64) int {
	return min(max(bits.Len64(uint64(n))-3, 14), primerBits)
}
