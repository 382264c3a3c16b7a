package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Weight file format, version 1 (all integers little-endian):
//
//	magic    [8]byte  "DCARWTS\x00"
//	version  uint32   1
//	hdrLen   uint32   length of the header section
//	header:
//	  kind     uint8    0 = inference weights, 1 = training checkpoint
//	  nMeta    uint32   then nMeta × (keyLen uint16, key, valLen uint32, value)
//	                    hyper-parameters and other metadata as strings, keys sorted
//	  nTensor  uint32   then nTensor × (nameLen uint16, name, dtype uint8,
//	                    ndim uint8, dims ndim×uint32, offset uint64, nbytes uint64)
//	  payLen   uint64   payload length
//	payload  [payLen]byte  tensor data at the given offsets (relative to payload start)
//	sha256   [32]byte  SHA-256 of everything before it: the file's fingerprint
//
// Loading checks every length, bound, dtype, shape and the checksum, and
// fails with an error naming the problem.

const (
	weightsMagic   = "DCARWTS\x00"
	weightsVersion = 1

	KindWeights    uint8 = 0
	KindCheckpoint uint8 = 1

	maxHeader  = 1 << 24
	maxTensors = 1 << 16
	maxMeta    = 1 << 12
	maxNameLen = 1 << 10
	maxDims    = 4
)

// DType of a stored tensor.
type DType uint8

const (
	F32 DType = 1 // float32
	U8  DType = 2 // raw bytes
	I8  DType = 3 // reserved for quantised inference weights
	I32 DType = 4
	I16 DType = 5 // quantised inference weights and activations
)

func (d DType) Size() int {
	switch d {
	case F32, I32:
		return 4
	case U8, I8:
		return 1
	case I16:
		return 2
	}
	return 0
}

// FileTensor is one tensor of a weight file.
type FileTensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte // little-endian elements
}

// WeightFile is the in-memory form of a weight or checkpoint file.
type WeightFile struct {
	Kind    uint8
	Meta    map[string]string
	Tensors []FileTensor
	// Fingerprint is the SHA-256 trailer (set by Read and Encode).
	Fingerprint [32]byte
}

// ErrBadWeights is wrapped by every load error caused by the file's content.
var ErrBadWeights = errors.New("model: bad weight file")

func badf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadWeights, fmt.Sprintf(format, a...))
}

// Tensor returns the named tensor.
func (f *WeightFile) Tensor(name string) (*FileTensor, bool) {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i], true
		}
	}
	return nil, false
}

// Encode serialises f and sets f.Fingerprint.
func (f *WeightFile) Encode() ([]byte, error) {
	var h bytes.Buffer
	le := binary.LittleEndian
	h.WriteByte(f.Kind)
	keys := make([]string, 0, len(f.Meta))
	for k := range f.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > maxMeta || len(f.Tensors) > maxTensors {
		return nil, errors.New("model: too many metadata entries or tensors")
	}
	h.Write(le.AppendUint32(nil, uint32(len(keys))))
	for _, k := range keys {
		v := f.Meta[k]
		if len(k) > maxNameLen || len(v) > maxHeader/2 {
			return nil, fmt.Errorf("model: metadata %q too long", k)
		}
		h.Write(le.AppendUint16(nil, uint16(len(k))))
		h.WriteString(k)
		h.Write(le.AppendUint32(nil, uint32(len(v))))
		h.WriteString(v)
	}
	h.Write(le.AppendUint32(nil, uint32(len(f.Tensors))))
	var off uint64
	for _, t := range f.Tensors {
		n := t.DType.Size()
		for _, d := range t.Shape {
			n *= d
		}
		if t.DType.Size() == 0 || len(t.Shape) > maxDims || n != len(t.Data) || len(t.Name) > maxNameLen {
			return nil, fmt.Errorf("model: tensor %s: inconsistent dtype/shape/data", t.Name)
		}
		h.Write(le.AppendUint16(nil, uint16(len(t.Name))))
		h.WriteString(t.Name)
		h.WriteByte(byte(t.DType))
		h.WriteByte(byte(len(t.Shape)))
		for _, d := range t.Shape {
			h.Write(le.AppendUint32(nil, uint32(d)))
		}
		h.Write(le.AppendUint64(nil, off))
		h.Write(le.AppendUint64(nil, uint64(len(t.Data))))
		off += uint64(len(t.Data))
	}
	h.Write(le.AppendUint64(nil, off))
	if h.Len() > maxHeader {
		return nil, errors.New("model: header too large")
	}
	out := make([]byte, 0, 16+h.Len()+int(off)+32)
	out = append(out, weightsMagic...)
	out = le.AppendUint32(out, weightsVersion)
	out = le.AppendUint32(out, uint32(h.Len()))
	out = append(out, h.Bytes()...)
	for _, t := range f.Tensors {
		out = append(out, t.Data...)
	}
	f.Fingerprint = sha256.Sum256(out)
	return append(out, f.Fingerprint[:]...), nil
}

// reader is a bounds-checked little-endian cursor.
type reader struct {
	b   []byte
	err error
}

func (r *reader) take(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = badf("truncated header reading %s", what)
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}
func (r *reader) u8(w string) uint8 {
	if b := r.take(1, w); b != nil {
		return b[0]
	}
	return 0
}
func (r *reader) u16(w string) uint16 {
	if b := r.take(2, w); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}
func (r *reader) u32(w string) uint32 {
	if b := r.take(4, w); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}
func (r *reader) u64(w string) uint64 {
	if b := r.take(8, w); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// DecodeWeightFile parses and verifies a weight file. Tensor data alias b.
func DecodeWeightFile(b []byte) (*WeightFile, error) {
	if len(b) < 16+32 {
		return nil, badf("file too short (%d bytes)", len(b))
	}
	if string(b[:8]) != weightsMagic {
		return nil, badf("not a dcar weight file (bad magic %q)", b[:8])
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != weightsVersion {
		return nil, badf("unsupported version %d (this build reads %d)", v, weightsVersion)
	}
	hl := binary.LittleEndian.Uint32(b[12:])
	if hl > maxHeader || uint64(hl) > uint64(len(b)-16-32) {
		return nil, badf("header length %d exceeds file size %d", hl, len(b))
	}
	body := b[:len(b)-32]
	var sum [32]byte
	copy(sum[:], b[len(b)-32:])
	if sha256.Sum256(body) != sum {
		return nil, badf("checksum mismatch: file is damaged or truncated")
	}
	r := &reader{b: body[16 : 16+hl]}
	f := &WeightFile{Meta: map[string]string{}, Fingerprint: sum}
	f.Kind = r.u8("kind")
	if f.Kind > KindCheckpoint {
		return nil, badf("unknown file kind %d", f.Kind)
	}
	nm := r.u32("metadata count")
	if nm > maxMeta {
		return nil, badf("metadata count %d too large", nm)
	}
	for i := uint32(0); i < nm && r.err == nil; i++ {
		k := string(r.take(int(r.u16("key length")), "key"))
		v := string(r.take(int(r.u32("value length")), "value"))
		if _, dup := f.Meta[k]; dup && r.err == nil {
			return nil, badf("duplicate metadata key %q", k)
		}
		f.Meta[k] = v
	}
	nt := r.u32("tensor count")
	if nt > maxTensors {
		return nil, badf("tensor count %d too large", nt)
	}
	type span struct{ off, n uint64 }
	spans := make([]span, 0, min(nt, 1024))
	names := map[string]bool{}
	for i := uint32(0); i < nt && r.err == nil; i++ {
		var t FileTensor
		t.Name = string(r.take(int(r.u16("name length")), "name"))
		t.DType = DType(r.u8("dtype"))
		nd := int(r.u8("ndim"))
		if r.err != nil {
			break
		}
		if t.DType.Size() == 0 {
			return nil, badf("tensor %q: unknown dtype %d", t.Name, t.DType)
		}
		if nd > maxDims {
			return nil, badf("tensor %q: %d dimensions", t.Name, nd)
		}
		if names[t.Name] {
			return nil, badf("duplicate tensor %q", t.Name)
		}
		names[t.Name] = true
		n := uint64(t.DType.Size())
		for j := 0; j < nd; j++ {
			d := r.u32("dim")
			t.Shape = append(t.Shape, int(d))
			n *= uint64(d)
			if n > uint64(len(b)) {
				n = uint64(len(b)) + 1 // keep from overflowing; fails below
			}
		}
		off, nb := r.u64("offset"), r.u64("size")
		if r.err != nil {
			break
		}
		if nb != n {
			return nil, badf("tensor %q: %d bytes for shape %v", t.Name, nb, t.Shape)
		}
		spans = append(spans, span{off, nb})
		f.Tensors = append(f.Tensors, t)
	}
	pl := r.u64("payload length")
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) != 0 {
		return nil, badf("%d unexpected bytes at end of header", len(r.b))
	}
	payload := body[16+hl:]
	if pl != uint64(len(payload)) {
		return nil, badf("payload length %d, file holds %d", pl, len(payload))
	}
	var end uint64
	for i, s := range spans {
		if s.off != end || s.off+s.n > pl {
			return nil, badf("tensor %q: offset %d size %d out of place", f.Tensors[i].Name, s.off, s.n)
		}
		end = s.off + s.n
		f.Tensors[i].Data = payload[s.off:end:end]
	}
	if end != pl {
		return nil, badf("payload has %d unused bytes", pl-end)
	}
	return f, nil
}

// WriteFileAtomic writes data to path via a temporary file in the same
// directory, fsync and rename, so path is always either old or new.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
