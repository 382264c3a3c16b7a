package imgnet

import (
	"crypto/sha256"
	"embed"
	"errors"
	"fmt"
	"path"
	"sort"
	"sync"

	"github.com/dcar-archiver/dcar/imgctx"
)

// Shipped integer networks. Every file that ever shipped stays here, so
// that archives written with it keep decoding; DefaultWeights names the
// one new archives use.
//
//go:embed weights/*.dcw
var weightFS embed.FS

// DefaultWeights is the network new archives are written with.
const DefaultWeights = "rec96b-a.dcw"

// ErrUnknownModel reports a fingerprint none of the shipped networks has.
var ErrUnknownModel = errors.New("imgnet: no shipped network has this fingerprint")

// Model is a shipped network together with the imgctx configuration it
// runs on; Fingerprint identifies both (first 8 bytes of SHA-256 over
// imgctx's fingerprint and the weight file's SHA-256).
type Model struct {
	Name        string
	Net         *QNet
	Fingerprint [8]byte
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
		q, sum, err := DecodeQNet(b)
		if err != nil {
			return nil, fmt.Errorf("shipped network %s: %w", e.Name(), err)
		}
		out = append(out, &Model{Name: e.Name(), Net: q, Fingerprint: fingerprint(sum)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
})

func fingerprint(weights [32]byte) [8]byte {
	cfp := imgctx.Fingerprint(imgctx.DefaultConfig)
	h := sha256.New()
	h.Write(cfp[:])
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
	return nil, fmt.Errorf("imgnet: network %s not embedded", name)
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

// Shipped lists the embedded networks by name.
func Shipped() ([]*Model, error) { return shipped() }
