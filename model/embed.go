package model

import (
	"crypto/sha256"
	"embed"
	"errors"
	"fmt"
	"path"
	"sort"
	"sync"

	"github.com/dcar-archiver/dcar/model/bitcm"
	"github.com/dcar-archiver/dcar/model/imgctx"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// Shipped integer networks. Every file that ever shipped stays here, so
// that archives written with it keep decoding; DefaultWeights names the
// one new archives use.
//
//go:embed weights/*.dcw
var weightFS embed.FS

// DefaultWeights is the network new archives are written with.
const DefaultWeights = "uni96b-a.dcw"

// ErrUnknownModel reports a fingerprint none of the shipped networks has.
var ErrUnknownModel = errors.New("model: no shipped network has this fingerprint")

// Model is a shipped network together with the imgctx configuration it
// runs on; Fingerprint identifies both (first 8 bytes of SHA-256 over
// imgctx's fingerprint and the weight file's SHA-256). A unified weight
// file (Dual) also has the text modality: Text, run on txtctx's default
// configuration, identified by TextFingerprint (SHA-256 over txtctx's
// fingerprint and the file's SHA-256, first 8 bytes).
type Model struct {
	Name            string
	Net             *QNet
	Fingerprint     [8]byte
	Text            *QNet
	TextFingerprint [8]byte
	// CMFingerprint identifies the network with the context-mixing
	// stage (CMNet, cmstripe.go): the first 8 bytes of SHA-256 of
	// "pixcm/1 " and Fingerprint; with a warm start (StageWarm) and no
	// primer, of "pixcm/2 ", Fingerprint and the warm start's SHA-256;
	// with a primer (StagePrimer), of "pixcm/3 ", Fingerprint, the warm
	// start's SHA-256 (32 zero bytes without one) and the primer's.
	CMFingerprint [8]byte
	// StageWarm, if set, is the learned start of the context-mixing
	// stage (a domain model's; the shipped networks have none).
	StageWarm *bitcm.SymbolWarm
	// StagePrimer, if set, is what the context-mixing stage reads before
	// every stripe (a domain model's).
	StagePrimer *StagePrimer
	// SplitFingerprint identifies the network coding a large stripe in
	// two halves at once (SplitNet): the first 8 bytes of SHA-256 of
	// "pixsplit/1 " and Fingerprint.
	SplitFingerprint [8]byte
}

var shipped = sync.OnceValues(func() ([]*Model, error) {
	names, err := weightFS.ReadDir("weights")
	if err != nil {
		return nil, err
	}
	var out []*Model
	for _, e := range names {
		b, err := weightFS.ReadFile(path.Join("weights", e.Name()))
		if err != nil {
			return nil, err
		}
		m, err := Decode(e.Name(), b)
		if err != nil {
			return nil, fmt.Errorf("shipped network %s: %w", e.Name(), err)
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
})

// Decode reads an image-only (imgnet-q1) or unified (dualnet-q1) weight
// file into a Model named name, fingerprinted as the shipped ones are:
// how the embedded files are read (once), and the network of a domain
// model (package model/domain), which an archive carries.
func Decode(name string, b []byte) (*Model, error) {
	f, err := DecodeWeightFile(b)
	if err != nil {
		return nil, err
	}
	sum := f.Fingerprint
	m := &Model{Name: name, Fingerprint: fingerprint(sum)}
	m.CMFingerprint = cmFingerprint(m.Fingerprint)
	m.SplitFingerprint = splitFingerprint(m.Fingerprint)
	if f.Meta["arch"] == dualArch {
		d, err := dualFrom(f)
		if err != nil {
			return nil, err
		}
		m.Net, m.Text, m.TextFingerprint = d.Img, d.Txt, textFingerprint(sum)
		return m, nil
	}
	if m.Net, err = qnetFrom(f); err != nil {
		return nil, err
	}
	return m, nil
}

// WithStage returns a copy of m whose context-mixing stage starts from
// the warm start w and reads the primer p (either may be nil), its
// CMFingerprint covering both.
func (m *Model) WithStage(w *bitcm.SymbolWarm, p *StagePrimer) *Model {
	c := *m
	c.StageWarm, c.StagePrimer = w, p
	var ws [32]byte
	if w != nil {
		ws = w.Sum()
	}
	switch {
	case p != nil:
		ps := p.Sum()
		s := sha256.Sum256(append(append(append([]byte("pixcm/3 "), m.Fingerprint[:]...), ws[:]...), ps[:]...))
		c.CMFingerprint = [8]byte(s[:8])
	case w != nil:
		s := sha256.Sum256(append(append([]byte("pixcm/2 "), m.Fingerprint[:]...), ws[:]...))
		c.CMFingerprint = [8]byte(s[:8])
	default:
		c.CMFingerprint = cmFingerprint(m.Fingerprint)
	}
	return &c
}

// CM returns m's network with the context-mixing stage (and its warm
// start and primer, if any): the pixel model CMFingerprint names.
func (m *Model) CM() CMNet {
	return CMNet{Net: m.Net, Warm: m.StageWarm, Primer: m.StagePrimer}
}

func cmFingerprint(net [8]byte) [8]byte {
	s := sha256.Sum256(append([]byte("pixcm/1 "), net[:]...))
	return [8]byte(s[:8])
}

func splitFingerprint(net [8]byte) [8]byte {
	s := sha256.Sum256(append([]byte("pixsplit/1 "), net[:]...))
	return [8]byte(s[:8])
}

func fingerprint(weights [32]byte) [8]byte {
	cfp := imgctx.DefaultFingerprint
	return fp8(cfp[:], weights)
}

func textFingerprint(weights [32]byte) [8]byte {
	cfp := txtctx.DefaultFingerprint
	return fp8(cfp[:], weights)
}

func fp8(ctx []byte, weights [32]byte) [8]byte {
	h := sha256.New()
	h.Write(ctx)
	h.Write(weights[:])
	return [8]byte(h.Sum(nil))
}

// Default returns the network new archives use.
func Default() (*Model, error) { return ByName(DefaultWeights) }

// ByName returns the shipped network whose weight file is called name.
func ByName(name string) (*Model, error) {
	all, err := shipped()
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		if m.Name == name {
			return m, nil
		}
	}
	return nil, fmt.Errorf("model: network %s not embedded", name)
}

// ByFingerprint returns the shipped network with fingerprint fp.
func ByFingerprint(fp [8]byte) (*Model, error) {
	all, err := shipped()
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		if m.Fingerprint == fp {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w (%x)", ErrUnknownModel, fp[:])
}

// ByCMFingerprint returns the shipped network whose context-mixing
// stage has fingerprint fp.
func ByCMFingerprint(fp [8]byte) (*Model, error) {
	all, err := shipped()
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		if m.CMFingerprint == fp {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w (pixel CM %x)", ErrUnknownModel, fp[:])
}

// BySplitFingerprint returns the shipped network whose two-halves
// variant (SplitNet) has fingerprint fp.
func BySplitFingerprint(fp [8]byte) (*Model, error) {
	all, err := shipped()
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		if m.SplitFingerprint == fp {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w (pixel split %x)", ErrUnknownModel, fp[:])
}

// DefaultText returns the unified network new text entries use (the
// default file, which must have the text modality).
func DefaultText() (*Model, error) {
	m, err := Default()
	if err != nil {
		return nil, err
	}
	if m.Text == nil {
		return nil, fmt.Errorf("model: default network %s has no text modality", m.Name)
	}
	return m, nil
}

// ByTextFingerprint returns the shipped unified network whose text
// modality has fingerprint fp.
func ByTextFingerprint(fp [8]byte) (*Model, error) {
	all, err := shipped()
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		if m.Text != nil && m.TextFingerprint == fp {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%w (text %x)", ErrUnknownModel, fp[:])
}

// Shipped lists the embedded networks by name.
func Shipped() ([]*Model, error) { return shipped() }
