package archive

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"runtime/debug"

	"github.com/dcar-archiver/dcar/model/domain"
)

// selfPrimeLeast is the flat sub-pixels below which Create makes no self
// primer: reading a primer costs ~3.3 s a million sub-pixels in every
// process that codes or decodes a flat image, and a few screenshots
// gain too little to pay for the wait. (A variable for tests.)
var selfPrimeLeast int64 = 4 << 20

// errPoolFull stops selfPrimer's walk once it has MaxSelfPool flat
// sub-pixels.
var errPoolFull = errors.New("pool full")

// selfPrimer walks roots as Create will (excludes applied, files that
// cannot be read left out silently: Create's own walk reports them) and
// returns the self primer of their flat PNGs (domain.SelfPrimer), nil
// if they have fewer than selfPrimeLeast sub-pixels.
func selfPrimer(roots, excludes []string) (*domain.Model, error) {
	var files []domain.Sample
	var pool int64
	seen := map[string]bool{}
	err := walk(roots, excludes, func(Warning) {}, func(osPath, name string, fi fs.FileInfo) error {
		if !fi.Mode().IsRegular() || fi.Size() < 33 || seen[name] {
			return nil
		}
		seen[name] = true
		f, err := os.Open(osPath)
		if err != nil {
			return nil
		}
		defer f.Close()
		var head [33]byte
		if _, err := io.ReadFull(f, head[:]); err != nil {
			return nil
		}
		n, ok := domain.FlatPNG(head[:], fi.Size())
		if !ok || n > domain.MaxSelfPool {
			return nil // not flat, or more than the whole pool (a PNG whose header claims a huge image is not decoded here)
		}
		data := make([]byte, fi.Size())
		if _, err := f.ReadAt(data, 0); err != nil {
			return nil
		}
		files = append(files, domain.Sample{Name: name, Data: data})
		if pool += n; pool >= domain.MaxSelfPool {
			return errPoolFull
		}
		return nil
	})
	if err != nil && !errors.Is(err, errPoolFull) {
		return nil, err
	}
	d, err := domain.SelfPrimer(files, selfPrimeLeast)
	// The files' pixels and the cover's patterns (hundreds of MB for a
	// large pool) are garbage now: give them back before the coding.
	debug.FreeOSMemory()
	return d, err
}
