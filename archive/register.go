package archive

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/dcar-archiver/dcar/format"
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
}

// ErrUnknownCodec is returned for an archive that names a codec this
// binary does not have.
var ErrUnknownCodec = errors.New("dcar: unknown codec")

var (
	codecMu sync.RWMutex
	codecs  = map[uint64]codecEntry{}
)

type codecEntry struct {
	name  string
	codec Codec
}

// RegisterCodec makes a codec available under id. It panics if id is
// already taken: ids are part of the format and assigned in package format.
func RegisterCodec(id uint64, name string, c Codec) {
	codecMu.Lock()
	defer codecMu.Unlock()
	if _, dup := codecs[id]; dup {
		panic(fmt.Sprintf("archive: codec %d registered twice", id))
	}
	codecs[id] = codecEntry{name, c}
}

// CodecName returns the name of codec id, or a description of an
// unregistered or reserved id.
func CodecName(id uint64) string {
	codecMu.RLock()
	e, ok := codecs[id]
	codecMu.RUnlock()
	if ok {
		return e.name
	}
	switch id {
	case format.CodecModelImage:
		return "model-image"
	case format.CodecModelText:
		return "model-text"
	case format.CodecModelPNG:
		return "model-png"
	case format.CodecCtxImage:
		return "ctx-image"
	case format.CodecCtxText:
		return "ctx-text"
	case format.CodecCMText:
		return "cm-text"
	case format.CodecCMBZ2:
		return "cm-bz2"
	case format.CodecCMBin:
		return "cm-bin"
	}
	return fmt.Sprintf("codec-%d", id)
}

// LookupCodec returns the codec registered under id.
func LookupCodec(id uint64) (Codec, error) { return lookupCodec(id) }

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

var (
	plannerMu    sync.RWMutex
	planners     []Planner
	bestPlanners []Planner
)

// RegisterPlanner adds a planner; planners are asked in registration order.
func RegisterPlanner(p Planner) {
	plannerMu.Lock()
	defer plannerMu.Unlock()
	planners = append(planners, p)
}

// RegisterBestPlanner adds a planner that is asked first, and only, when
// the writer was asked for the strongest codecs (CreateOptions.Best):
// codecs that pay in ratio but are slower than the default ones.
func RegisterBestPlanner(p Planner) {
	plannerMu.Lock()
	defer plannerMu.Unlock()
	bestPlanners = append(bestPlanners, p)
}

func choose(kind Kind, r io.ReaderAt, size int64, best bool) Choice {
	plannerMu.RLock()
	defer plannerMu.RUnlock()
	if best {
		for _, p := range bestPlanners {
			if pl, ok := p(kind, r, size); ok {
				return pl
			}
		}
	}
	for _, p := range planners {
		if pl, ok := p(kind, r, size); ok {
			return pl
		}
	}
	return Choice{Codec: format.CodecZstd}
}

func lookupCodec(id uint64) (Codec, error) {
	codecMu.RLock()
	e, ok := codecs[id]
	codecMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %d (%s): this dcar binary cannot decode it", ErrUnknownCodec, id, CodecName(id))
	}
	return e.codec, nil
}
