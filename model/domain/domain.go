// Package domain reads and writes domain models: the learned parts of
// dcar's shipped model refitted to one kind of data (dcar train), stored
// as a versioned, checksummed, fingerprinted .dcm file. An archive coded
// with a domain model carries the file (or, with --model-ref, its
// fingerprint) in a model record (spec section 16); its codecs resolve
// the fingerprints in entry parameters against it per archive.
//
// A domain model is based on one shipped model (Base, the fingerprint of
// the default unified network of the release that trained it) and
// replaces some of its parts; every part it does not replace is the
// shipped one. Its parts replace or add parts of one of cm-text's text
// models: its warm start (learned start values) and a primer (text the
// model reads before every segment, a dictionary: bitcm.Config.Primer);
// since version 6, the network the pixel codecs run (the shipped
// network's image modality fine-tuned to the domain's images: Image);
// and it has an optional description. The file's version says which
// text model: version 1 the version 2 text model (bitcm.TextConfigCold),
// version 2 the version 3 text model (bitcm.Text3ConfigCold), version 3
// the version 4 text model (bitcm.Text4ConfigCold), version 4 the
// version 6 text model (bitcm.Text6ConfigCold: the word code; the
// primer is text, which the model reads as its word code), version 5
// the version 7 text model (bitcm.Text7ConfigCold: the same with the code
// tree over the word code); version 6 the version 7 text model too, and
// it may hold an image network; version 7, which Encode writes, the
// version 8 text model (bitcm.Text8ConfigCold: history maps per decision
// depth, the order-3 probability map), and it may hold an image network;
// version 8, which Encode writes for a model with a stage warm start
// and no stage primer (else version 7), the same, and it may hold the
// warm start of the pixel codecs' context-mixing stage; version 9,
// which Encode writes for a model with a stage primer, the same, and it
// may hold the primer of that stage.
//
// File layout (spec/FORMAT.md section 16.1; integers little-endian):
//
//	magic    [8]byte  "DCARDCM\x00"
//	version  u32      1 to 9
//	base     [8]byte  fingerprint of the shipped network it is based on
//	nParts   u32      1..MaxParts
//	parts    nParts × (kind u8, length u64, length bytes), kinds increasing:
//	         0 description, 1 text warm start, 2 text primer,
//	         3 image network (version 6 on),
//	         4 context-mixing stage warm start (version 8 on),
//	         5 context-mixing stage primer (version 9)
//	sha256   [32]byte SHA-256 of everything before it
//
// The model's fingerprint is the first 8 bytes of the SHA-256 trailer.
package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

const (
	magic   = "DCARDCM\x00"
	version = 7 // what Encode writes for a model without a stage warm start
	// stageVersion is the first file version that may hold
	// PartImageStage, and what Encode writes for a model with one.
	stageVersion = 8
	// primerVersion is the first file version that may hold
	// PartImagePrimer, and what Encode writes for a model with one.
	primerVersion = 9

	// MaxSize bounds a model file (what Parse and Load accept), so that
	// a damaged archive or file cannot make a reader allocate more.
	MaxSize = 32 << 20
	// MaxParts bounds the parts of a model file.
	MaxParts = 16
	// maxInfo bounds the description part.
	maxInfo = 64 << 10

	headerLen  = 8 + 4 + 8 + 4
	trailerLen = sha256.Size
)

// textModels are the text models of the file versions: cold gives the
// model the parts refit, shipped the same with dcar's own warm start.
var textModels = map[uint32]struct {
	cold    func() bitcm.Config
	shipped func() (bitcm.Config, error)
}{
	1: {bitcm.TextConfigCold, bitcm.TextConfig},
	2: {bitcm.Text3ConfigCold, bitcm.Text3Config},
	3: {bitcm.Text4ConfigCold, bitcm.Text4Config},
	4: {bitcm.Text6ConfigCold, bitcm.Text6Config},
	5: {bitcm.Text7ConfigCold, bitcm.Text7Config},
	6: {bitcm.Text7ConfigCold, bitcm.Text7Config},
	7: {bitcm.Text8ConfigCold, bitcm.Text8Config},
	8: {bitcm.Text8ConfigCold, bitcm.Text8Config},
	9: {bitcm.Text8ConfigCold, bitcm.Text8Config},
}

// imageVersion is the first file version that may hold PartImageNet.
const imageVersion = 6

// Part kinds, in the order they appear in a file.
const (
	// PartInfo is a UTF-8 description (training data, seed, budget,
	// validation bits): informational, not used to code.
	PartInfo byte = 0
	// PartTextWarm is the warm start of the file version's text model
	// in bitcm.CompressWarm's form: a zstd frame of the marshalled
	// bitcm.Warm. It replaces the shipped warm start.
	PartTextWarm byte = 1
	// PartTextPrimer is a primer of the file version's text model
	// (bitcm.Config.Primer): its length (u32) and the text coded by
	// that shipped text model (bitcm.Encode with bitcm.TextConfig in
	// version 1, bitcm.Text3Config in version 2, bitcm.Text4Config in
	// version 3, bitcm.Text6Config in version 4, bitcm.Text7Config in
	// versions 5 and 6, bitcm.Text8Config in version 7), which stores
	// source code about a third smaller than zstd -19.
	PartTextPrimer byte = 2
	// PartImageNet is the network of the pixel codecs (version 6 on): a
	// zstd frame of an image-only integer weight file (model.Decode; spec
	// section 4), the shipped network's image modality refitted. The
	// pixel entries it codes carry its fingerprints (model.Model's
	// Fingerprint, CMFingerprint, SplitFingerprint) in their parameters.
	PartImageNet byte = 3
	// PartImageStage is the warm start of the pixel codecs'
	// context-mixing stage (version 8): a zstd frame of a stored
	// bitcm.SymbolWarm (model.QNet.TrainStageWarm). The stage over the
	// model's image network (its own, or else the shipped one, Base)
	// starts from it; the entries it codes carry that model's
	// CMFingerprint, which covers it (model.Model.WithStage).
	PartImageStage byte = 4
	// PartImagePrimer is the primer of the pixel codecs' context-mixing
	// stage (version 9): a stored model.StagePrimer (sample images coded
	// by the stage without the network; not compressed again). The
	// stage reads it before every stripe (its mixers start from
	// PartImageStage's warm start, if the model has one); the entries it
	// codes carry the CMFingerprint that covers both.
	PartImagePrimer byte = 5
)

// ErrBadModel is wrapped by every error Parse returns for a file that
// is not an intact domain model of a version this package reads.
var ErrBadModel = errors.New("domain: bad model file")

// An Error is a load error at a byte offset of the model file.
type Error struct {
	Offset int64
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%v: at offset %d: %s", ErrBadModel, e.Offset, e.Msg)
}

func (e *Error) Unwrap() error { return ErrBadModel }

func bad(off int, format string, a ...any) error {
	return &Error{Offset: int64(off), Msg: fmt.Sprintf(format, a...)}
}

// A Model is a parsed domain model. Its text model keeps its state after
// the primer (bitcm.Primed) from the first segment it codes with a
// primer, for the next segments of the same table sizes (of this archive
// and any other coded with the same Model): up to two models' memory
// (about 0.9 GB each) while the Model is referenced, in place of about
// 6 CPU-seconds per MiB of primer for every segment.
type Model struct {
	// Base is the fingerprint of the shipped network the model is based
	// on (model.Model.Fingerprint of model.DefaultWeights).
	Base [8]byte
	// Info is the description part ("" if none).
	Info string
	// Fingerprint identifies the file: the first 8 bytes of its SHA-256.
	Fingerprint [8]byte

	version uint32        // the file's version: which text model (textModels)
	text    *bitcm.Warm   // PartTextWarm, or nil
	primer  []byte        // PartTextPrimer, or nil
	textFP  [8]byte       // TextFingerprint, computed once by Parse (it hashes the primer)
	primed  *bitcm.Primed // the text model after its primer, kept for the next segment
	image   *model.Model  // PartImageNet with PartImageStage and PartImagePrimer, or nil
	raw     []byte
}

// Bytes returns the model's file bytes (not to be modified).
func (m *Model) Bytes() []byte { return m.raw }

// TextConfig returns the file version's text model (cm-text's version 2
// model for a version 1 file, version 3 for version 2, version 4 for
// version 3, version 6 for version 4, version 7 for versions 5 and 6,
// version 8 for version 7) with the
// domain's
// warm start (else the shipped one) and primer, and false if the model
// replaces neither.
func (m *Model) TextConfig() (bitcm.Config, bool) {
	if m.text == nil && m.primer == nil {
		return bitcm.Config{}, false
	}
	tm := textModels[m.version]
	c := tm.cold()
	c.Warm, c.Primer, c.Primed = m.text, m.primer, m.primed
	if c.Warm == nil {
		shipped, err := tm.shipped()
		if err != nil {
			return bitcm.Config{}, false
		}
		c.Warm = shipped.Warm
	}
	return c, true
}

// Image returns the model's image network (nil if it keeps the shipped
// one and has no stage warm start or primer): what the pixel codecs run
// for the entries whose parameters name one of its fingerprints. With a
// stage warm start (PartImageStage) or primer (PartImagePrimer) it has
// them (Model.StageWarm, Model.StagePrimer); without an image network
// part it is then the shipped network Base with them.
func (m *Model) Image() *model.Model { return m.image }

// Primer returns the text model's primer (nil if none).
func (m *Model) Primer() []byte { return m.primer }

// TextFingerprint is the bitcm fingerprint of TextConfig, which cm-text
// entries coded with the domain model carry in their parameters; zero if
// the model does not replace the text model.
func (m *Model) TextFingerprint() [8]byte { return m.textFP }

// String names the model by its fingerprint.
func (m *Model) String() string { return fmt.Sprintf("domain model %x", m.Fingerprint[:]) }

// Parts are what a model replaces or adds; nil keeps the shipped part.
type Parts struct {
	Text   *bitcm.Warm // the text model's warm start
	Primer []byte      // the text model's primer
	// Image is the pixel codecs' network: an image-only integer weight
	// file (model.QNet.Encode) of the base's layout.
	Image []byte
	// Stage is the warm start of the pixel codecs' context-mixing stage.
	Stage *bitcm.SymbolWarm
	// StagePrimer is the primer of that stage.
	StagePrimer *model.StagePrimer
}

// Encode builds a version 7 model file (the version 8 text model), or
// version 8 if it has a stage warm start, version 9 if it has a stage
// primer, based on base with the given description and parts, at least
// one of which must be set.
func Encode(base [8]byte, info string, p Parts) ([]byte, error) {
	text, primer := p.Text, p.Primer
	if text == nil && len(primer) == 0 && len(p.Image) == 0 && p.Stage == nil && p.StagePrimer == nil {
		return nil, errors.New("domain: a model must replace at least one part")
	}
	if len(info) > maxInfo || !utf8.ValidString(info) {
		return nil, errors.New("domain: description too long or not UTF-8")
	}
	if len(primer) > bitcm.MaxPrimer {
		return nil, fmt.Errorf("domain: primer of %d bytes exceeds %d", len(primer), bitcm.MaxPrimer)
	}
	le := binary.LittleEndian
	b := append([]byte(magic), 0, 0, 0, 0)
	le.PutUint32(b[8:], version)
	if p.Stage != nil {
		le.PutUint32(b[8:], stageVersion)
	}
	if p.StagePrimer != nil {
		le.PutUint32(b[8:], primerVersion)
	}
	b = append(b, base[:]...)
	var parts [][]byte
	var kinds []byte
	if info != "" {
		kinds, parts = append(kinds, PartInfo), append(parts, []byte(info))
	}
	if text != nil {
		z, err := bitcm.CompressWarm(text)
		if err != nil {
			return nil, err
		}
		kinds, parts = append(kinds, PartTextWarm), append(parts, z)
	}
	if len(primer) > 0 {
		c, err := textModels[version].shipped()
		if err != nil {
			return nil, err
		}
		z, err := bitcm.Encode(primer, c)
		if err != nil {
			return nil, err
		}
		kinds, parts = append(kinds, PartTextPrimer), append(parts, append(le.AppendUint32(nil, uint32(len(primer))), z...))
	}
	if len(p.Image) > 0 {
		if _, err := imageNet(p.Image); err != nil {
			return nil, err
		}
		z, err := compressPart(p.Image)
		if err != nil {
			return nil, err
		}
		kinds, parts = append(kinds, PartImageNet), append(parts, z)
	}
	if p.Stage != nil {
		if err := model.CheckStageWarm(p.Stage); err != nil {
			return nil, err
		}
		w, err := p.Stage.MarshalBinary()
		if err != nil {
			return nil, err
		}
		z, err := compressPart(w)
		if err != nil {
			return nil, err
		}
		kinds, parts = append(kinds, PartImageStage), append(parts, z)
	}
	if p.StagePrimer != nil {
		kinds, parts = append(kinds, PartImagePrimer), append(parts, p.StagePrimer.MarshalBinary())
	}
	b = le.AppendUint32(b, uint32(len(parts)))
	for i, p := range parts {
		b = append(b, kinds[i])
		b = le.AppendUint64(b, uint64(len(p)))
		b = append(b, p...)
	}
	if len(b)+trailerLen > MaxSize {
		return nil, fmt.Errorf("domain: model of %d bytes exceeds %d", len(b)+trailerLen, MaxSize)
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...), nil
}

// Parse reads and checks a model file: layout, bounds, checksum, then
// each part (a text warm start must fit cm-text's model). Every error
// wraps ErrBadModel and names the offset of the problem. b is kept.
func Parse(b []byte) (*Model, error) {
	le := binary.LittleEndian
	if len(b) > MaxSize {
		return nil, bad(MaxSize, "file of %d bytes exceeds the limit of %d", len(b), MaxSize)
	}
	if len(b) < len(magic) || string(b[:len(magic)]) != magic {
		n := min(len(b), len(magic))
		if bytes.HasPrefix([]byte(magic), b[:n]) {
			return nil, bad(len(b), "truncated: %d bytes", len(b))
		}
		return nil, bad(0, "not a dcar domain model (bad magic)")
	}
	if len(b) < headerLen {
		return nil, bad(len(b), "truncated in the header (%d bytes)", len(b))
	}
	v := le.Uint32(b[8:])
	tm, ok := textModels[v]
	if !ok {
		return nil, bad(8, "unsupported version %d (this dcar reads 1 to %d)", v, primerVersion)
	}
	m := &Model{raw: b, version: v, primed: new(bitcm.Primed)}
	copy(m.Base[:], b[12:20])
	n := le.Uint32(b[20:])
	if n == 0 || n > MaxParts {
		return nil, bad(20, "%d parts (1 to %d allowed)", n, MaxParts)
	}
	type part struct {
		kind byte
		at   int
		data []byte
	}
	var parts []part
	off := headerLen
	for i := range int(n) {
		if len(b)-off < 9 {
			return nil, bad(off, "truncated in the header of part %d", i)
		}
		kind, size := b[off], le.Uint64(b[off+1:])
		if size > uint64(len(b)-off-9) {
			return nil, bad(off, "part %d (kind %d) of %d bytes, only %d remain", i, kind, size, len(b)-off-9)
		}
		if i > 0 && kind <= parts[i-1].kind {
			return nil, bad(off, "part %d: kind %d after kind %d (kinds must increase)", i, kind, parts[i-1].kind)
		}
		if kind > PartImagePrimer || (kind == PartImageNet && v < imageVersion) || (kind == PartImageStage && v < stageVersion) || (kind == PartImagePrimer && v < primerVersion) {
			return nil, bad(off, "part %d: unknown kind %d in a version %d file", i, kind, v)
		}
		parts = append(parts, part{kind, off, b[off+9 : off+9+int(size)]})
		off += 9 + int(size)
	}
	if len(b)-off != trailerLen {
		if len(b)-off < trailerLen {
			return nil, bad(len(b), "truncated: the checksum at offset %d needs %d bytes, %d remain", off, trailerLen, len(b)-off)
		}
		return nil, bad(off, "%d unexpected bytes after the last part", len(b)-off-trailerLen)
	}
	sum := sha256.Sum256(b[:off])
	if !bytes.Equal(sum[:], b[off:]) {
		return nil, bad(off, "checksum mismatch: the file is damaged or altered")
	}
	copy(m.Fingerprint[:], sum[:8])
	for _, p := range parts {
		switch p.kind {
		case PartInfo:
			if len(p.data) > maxInfo || !utf8.Valid(p.data) {
				return nil, bad(p.at, "description of %d bytes is too long or not UTF-8", len(p.data))
			}
			m.Info = string(p.data)
		case PartTextWarm:
			w, err := bitcm.ParseCompressedWarm(p.data)
			if err != nil {
				return nil, bad(p.at, "text warm start: %v", err)
			}
			c := tm.cold()
			c.Warm = w
			if err := bitcm.CheckWarm(c); err != nil {
				return nil, bad(p.at, "text warm start: %v", err)
			}
			m.text = w
		case PartTextPrimer:
			if len(p.data) < 4 {
				return nil, bad(p.at, "text primer of %d bytes", len(p.data))
			}
			n := le.Uint32(p.data)
			if n == 0 || n > bitcm.MaxPrimer {
				return nil, bad(p.at+9, "text primer length %d (1 to %d allowed)", n, bitcm.MaxPrimer)
			}
			c, err := tm.shipped()
			if err != nil {
				return nil, err
			}
			t, err := bitcm.Decode(p.data[4:], int(n), c)
			if err != nil {
				return nil, bad(p.at+13, "text primer: %v", err)
			}
			m.primer = t
		case PartImageNet:
			wf, err := decompressPart(p.data)
			if err != nil {
				return nil, bad(p.at+9, "image network: %v", err)
			}
			if m.image, err = imageNet(wf); err != nil {
				return nil, bad(p.at+9, "%v", err)
			}
		case PartImageStage:
			w, err := stageWarm(p.data)
			if err != nil {
				return nil, bad(p.at+9, "%v", err)
			}
			if m.image == nil {
				if m.image, err = model.ByFingerprint(m.Base); err != nil {
					return nil, bad(12, "stage warm start of an unknown base network: %v", err)
				}
			}
			m.image = m.image.WithStage(w, nil)
		case PartImagePrimer:
			sp, err := model.ParseStagePrimer(p.data)
			if err != nil {
				return nil, bad(p.at+9, "%v", err)
			}
			if m.image == nil {
				if m.image, err = model.ByFingerprint(m.Base); err != nil {
					return nil, bad(12, "stage primer of an unknown base network: %v", err)
				}
			}
			m.image = m.image.WithStage(m.image.StageWarm, sp)
		}
	}
	c, ok := m.TextConfig()
	if !ok && m.image == nil {
		return nil, bad(20, "no part replaces anything")
	}
	if ok {
		m.textFP = bitcm.Fingerprint(c)
	}
	return m, nil
}

// imageNet reads an image network part's weight file: an image-only
// network (a unified file's text modality would replace nothing).
func imageNet(wf []byte) (*model.Model, error) {
	n, err := model.Decode("domain", wf)
	if err != nil {
		return nil, fmt.Errorf("image network: %w", err)
	}
	if n.Text != nil {
		return nil, errors.New("image network: a unified weight file, not an image network")
	}
	return n, nil
}

// compressPart is the zstd frame an image part stores b in.
func compressPart(b []byte) ([]byte, error) {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	return enc.EncodeAll(b, nil), nil
}

// decompressPart reads an image part's zstd frame, with at most MaxSize
// of decoder memory.
func decompressPart(z []byte) ([]byte, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderMaxMemory(MaxSize), zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	return dec.DecodeAll(z, nil)
}

// stageWarm reads a stage warm start part.
func stageWarm(data []byte) (*bitcm.SymbolWarm, error) {
	b, err := decompressPart(data)
	if err != nil {
		return nil, fmt.Errorf("stage warm start: %w", err)
	}
	w, err := bitcm.ParseSymbolWarm(b)
	if err != nil {
		return nil, fmt.Errorf("stage warm start: %w", err)
	}
	if err := model.CheckStageWarm(w); err != nil {
		return nil, fmt.Errorf("stage warm start: %w", err)
	}
	return w, nil
}

// Load reads and parses the model file at path; errors name the file.
func Load(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads a model file from r (at most MaxSize bytes are read: a
// longer file is refused by Parse) and parses it; errors name it as
// name.
func Read(r io.Reader, name string) (*Model, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}
