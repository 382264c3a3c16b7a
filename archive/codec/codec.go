package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
)

// A Codec turns one block of an entry into payload bytes and back.
//
// Compress must be deterministic: the same input and Block give the same
// bytes on every machine, so archives are reproducible for any number of
// jobs. Both methods must be safe for concurrent use.
type Codec interface {
	// Compress appends the coded form of src to dst.
	Compress(dst, src []byte, b Block) ([]byte, error)
	// Decompress appends exactly rawLen decoded bytes to dst, or fails.
	// It must not use more than O(rawLen) memory whatever src holds.
	Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error)
}

// Block tells a codec where the block it codes lies in its entry, for
// codecs that interpret the content (an image codec needs to know which
// bytes of a block are pixels).
type Block struct {
	Index     int64  // block number within the entry, from 0
	Offset    int64  // offset of the block's first byte in the entry's content
	EntrySize int64  // size of the entry's content
	Level     int    // compression level asked for (the decoder gets 0)
	Params    []byte // the entry's codec parameters
	// Domain is the domain model of the block's archive (its model
	// record), or nil: a codec whose parameters name a fingerprint none
	// of its shipped models has looks it up here.
	Domain *domain.Model
	// Preset is the preset the writer planned the entry with (the
	// decoder gets PresetDefault): what a codec may spend on choices
	// the decoder only follows, such as model-png's match search.
	Preset Preset
}

// DefaultBlockSize is the raw size of an entry's payload blocks unless
// its codec chooses otherwise: large enough that zstd loses little
// context, small enough to keep all cores busy and memory bounded.
const DefaultBlockSize = 4 << 20

// A FallbackLeveler is a Codec whose input is already entropy coded (a
// JPEG's scans, say): zstd at a high level finds next to nothing more in
// it than at a low one, so the writer's check of the zstd fallback runs
// at FallbackLevel instead of 19.
type FallbackLeveler interface {
	FallbackLevel() int
}

// A Choice says how to code a regular file: its codec, the codec's
// parameters and the block size (0: the writer's default; at most
// format.MaxBlockSize).
type Choice struct {
	Codec     uint64
	Params    []byte
	BlockSize int
}

// A Planner proposes a Choice for a file of the sniffed kind, reading it
// through r if it needs to (r holds size bytes). It returns false to let
// the next planner, or the zstd default, decide.
type Planner func(kind Kind, r io.ReaderAt, size int64) (Choice, bool)

// ErrDeclined is returned (wrapped) by a Compress that finds, only on
// coding it, that its codec cannot take a block (a file it cannot
// rebuild exactly, say). The writer then codes the block with zstd, as
// for a planner that declines; any other error fails the archive.
var ErrDeclined = errors.New("codec declines the block")

// ErrUnknownCodec is returned for an archive that names a codec this
// binary does not have.
var ErrUnknownCodec = errors.New("dcar: unknown codec")

// The registry: dcar's codecs (codecs.go) and any a program adds with
// Register.
var (
	registryMu sync.RWMutex
	registry   = builtinCodecs()
	names      = map[uint64]string{}
)

// Register makes a codec outside dcar's own table available under id,
// with a name for listings. It panics if id is taken: dcar's ids are part
// of the format and assigned in package format (format.CodecName).
func Register(id uint64, name string, c Codec) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[id]; dup || format.CodecName(id) != "" {
		panic(fmt.Sprintf("codec: id %d registered twice", id))
	}
	registry[id], names[id] = c, name
}

// Name returns the name of codec id (format.CodecName for dcar's own
// ids), or "codec-N" for an id nothing here knows.
func Name(id uint64) string {
	if n := format.CodecName(id); n != "" {
		return n
	}
	registryMu.RLock()
	n, ok := names[id]
	registryMu.RUnlock()
	if ok {
		return n
	}
	return fmt.Sprintf("codec-%d", id)
}

// Lookup returns the codec of id, or an error wrapping ErrUnknownCodec.
func Lookup(id uint64) (Codec, error) {
	registryMu.RLock()
	c, ok := registry[id]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %d (%s): this dcar binary cannot decode it", ErrUnknownCodec, id, Name(id))
	}
	return c, nil
}

// A Preset trades speed for size, like the levels of every archiver:
// it chooses which planners route files (codecs.go). Archives of every
// preset decode with the same binary at the same speed as they were
// written.
type Preset uint8

const (
	// PresetDefault: the learned image model, cm-text with the version 2
	// text model, and every recompressing codec (PNG, JPEG, gzip, bzip2).
	PresetDefault Preset = iota
	// PresetFast: imgctx alone for pixels, cm-text's lite model for
	// text, cm-jpeg for JPEGs, zstd for everything else (no other
	// recompression).
	PresetFast
	// PresetBest: the strongest codecs whatever their speed: the pixel
	// context-mixing stage, model-text.
	PresetBest
)

// String returns the preset's flag name: "fast", "default" or "best".
func (p Preset) String() string {
	switch p {
	case PresetFast:
		return "fast"
	case PresetBest:
		return "best"
	case PresetDefault:
		return "default"
	}
	return fmt.Sprintf("preset-%d", uint8(p))
}

// UseDomain moves a Choice to the domain model d where d replaces the
// model the choice codes with: cm-text's default text model (by its
// warm start and primer; a text segment planned for model-text with the
// same text model goes to cm-text with d's, as the primer is worth more
// than the network on the domain's text), and the default network of the pixel codecs
// (by d's image network, in each of its roles: alone, with the
// context-mixing stage, in two halves). Any other choice, or d nil, is
// returned as it is.
func UseDomain(ch Choice, d *domain.Model) Choice {
	if d == nil {
		return ch
	}
	if fp := d.TextFingerprint(); fp != ([8]byte{}) && (ch.Codec == format.CodecCMText && bytes.Equal(ch.Params, cmText.params()) || defaultModelText(ch)) {
		ch.Codec, ch.Params = format.CodecCMText, append([]byte{paramsVersion}, fp[:]...)
	}
	for _, at := range pixelFingerprints(ch.Codec) {
		if len(ch.Params) < at+8 {
			break
		}
		if fp, ok := domainNetwork([8]byte(ch.Params[at:at+8]), d); ok {
			ch.Params = bytes.Clone(ch.Params)
			copy(ch.Params[at:], fp[:])
		}
	}
	return ch
}

// DomainCoded reports whether an entry of codec id with params was
// coded with a domain model: its codec is one a domain model can
// replace and the fingerprint in params is none of the codec's shipped
// models'. (The archive's model record names which domain model.)
func DomainCoded(id uint64, params []byte) bool {
	for _, at := range pixelFingerprints(id) {
		if len(params) >= at+8 && !shippedPixelModel([8]byte(params[at:at+8])) {
			return true
		}
	}
	if id != format.CodecCMText || len(params) != 9 || params[0] != paramsVersion {
		return false
	}
	for _, m := range cmText.models {
		if m.fp == [8]byte(params[1:]) {
			return false
		}
	}
	return true
}

// TextModel names the shipped text model that coded a cm-text or
// model-text entry of codec id with params ("text model 4", "lite 2";
// model-text: "network + text model 4"), or "" for other codecs and
// for parameters that name none of the shipped ones (a domain model:
// DomainCoded). (cm-bin, cm-bz2 and cm-gzip choose a text or a binary
// model per segment: their entries name none.)
func TextModel(id uint64, params []byte) string {
	textN := func(n int) string { return fmt.Sprintf("text model %d", n) }
	if id == format.CodecModelText {
		if len(params) == 17 && params[0] == modelTextV2 {
			for _, c := range modelTextCMConfigs {
				if c.fp == [8]byte(params[9:17]) {
					return "network + " + textN(c.version)
				}
			}
		}
		return ""
	}
	if id != format.CodecCMText || len(params) != 9 || params[0] != paramsVersion {
		return ""
	}
	for _, m := range cmText.models {
		if m.fp == [8]byte(params[1:]) {
			return m.name
		}
	}
	return ""
}

// Plan chooses the codec of a regular file of the sniffed kind, reading
// it through r (size bytes) where a planner needs to: the preset's
// planners in order (codecs.go); zstd if none takes the file.
func Plan(kind Kind, r io.ReaderAt, size int64, preset Preset) Choice {
	ps := planners
	switch preset {
	case PresetFast:
		ps = fastPlanners
	case PresetBest:
		ps = bestPlanners
	}
	for _, p := range ps {
		if pl, ok := p(kind, r, size); ok {
			return pl
		}
	}
	return Choice{Codec: format.CodecZstd}
}
