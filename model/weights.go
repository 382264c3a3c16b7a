package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
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

// F32Tensor builds a float32 tensor.
func F32Tensor(name string, shape []int, v []float32) FileTensor {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return FileTensor{Name: name, DType: F32, Shape: append([]int(nil), shape...), Data: b}
}

// Float32s decodes a float32 tensor into dst (len must match).
func (t *FileTensor) Float32s(dst []float32) error {
	if t.DType != F32 {
		return badf("tensor %s: dtype %d, want float32", t.Name, t.DType)
	}
	if len(t.Data) != 4*len(dst) {
		return badf("tensor %s: %d bytes, want %d", t.Name, len(t.Data), 4*len(dst))
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
	}
	return nil
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

// ReadWeightFile reads and verifies a weight or checkpoint file.
func ReadWeightFile(path string) (*WeightFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := DecodeWeightFile(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Meta returns the hyper-parameters as metadata entries.
func (c Config) Meta() map[string]string {
	b := func(v bool) string { return strconv.FormatBool(v) }
	i := strconv.Itoa
	return map[string]string{
		"model.d": i(c.D), "model.layers": i(c.Layers), "model.head_size": i(c.HeadSize),
		"model.ffn": i(c.FFN), "model.hira": i(c.HiRA), "model.vocab": c.Vocab.String(),
		"model.text_vocab": i(c.TextVocab), "model.switching": b(c.Switching), "model.moe": b(c.MoE),
		"model.arch": "rwkv7-simplified-dualcomp",
	}
}

// ConfigFromMeta parses the hyper-parameters written by Config.Meta.
func ConfigFromMeta(meta map[string]string) (Config, error) {
	var c Config
	var err error
	geti := func(k string) int {
		if err != nil {
			return 0
		}
		s, ok := meta[k]
		if !ok {
			err = badf("missing hyper-parameter %s", k)
			return 0
		}
		v, e := strconv.Atoi(s)
		if e != nil {
			err = badf("hyper-parameter %s=%q: %v", k, s, e)
		}
		return v
	}
	getb := func(k string) bool {
		if err != nil {
			return false
		}
		v, e := strconv.ParseBool(meta[k])
		if e != nil {
			err = badf("hyper-parameter %s=%q: %v", k, meta[k], e)
		}
		return v
	}
	if a := meta["model.arch"]; a != "rwkv7-simplified-dualcomp" {
		return c, badf("unknown model architecture %q", a)
	}
	c.D, c.Layers, c.HeadSize = geti("model.d"), geti("model.layers"), geti("model.head_size")
	c.FFN, c.HiRA, c.TextVocab = geti("model.ffn"), geti("model.hira"), geti("model.text_vocab")
	c.Switching, c.MoE = getb("model.switching"), getb("model.moe")
	if err != nil {
		return c, err
	}
	if c.Vocab, err = ParseVocabMode(meta["model.vocab"]); err != nil {
		return c, badf("%v", err)
	}
	if err := c.Validate(); err != nil {
		return c, badf("%v", err)
	}
	return c, nil
}

// ParamTensors returns one file tensor per parameter tensor of m.
func (m *Model) ParamTensors() []FileTensor {
	ts := make([]FileTensor, 0, len(m.Layout.Tensors))
	for _, t := range m.Layout.Tensors {
		ts = append(ts, F32Tensor(t.Name, t.Shape, m.Data[t.Off:t.Off+t.Size]))
	}
	return ts
}

// LoadParamTensors fills m's parameters from f; the tensor set must match
// the model's layout exactly (prefix is prepended to each name).
func (m *Model) LoadParamTensors(f *WeightFile, prefix string) error {
	want := map[string]bool{}
	for _, t := range m.Layout.Tensors {
		want[prefix+t.Name] = true
		ft, ok := f.Tensor(prefix + t.Name)
		if !ok {
			return badf("missing tensor %s%s", prefix, t.Name)
		}
		if !slices.Equal(ft.Shape, t.Shape) {
			return badf("tensor %s%s: shape %v, model expects %v", prefix, t.Name, ft.Shape, t.Shape)
		}
		if err := ft.Float32s(m.Data[t.Off : t.Off+t.Size]); err != nil {
			return err
		}
	}
	for _, ft := range f.Tensors {
		if len(ft.Name) >= len(prefix) && ft.Name[:len(prefix)] == prefix && !want[ft.Name] {
			return badf("unexpected tensor %s", ft.Name)
		}
	}
	m.Prepare(&GoMatMul{})
	return nil
}

// Export returns the inference weight file of m: HiRA branches are merged
// (W' = W + B·A), so the stored config has HiRA = 0 and the same function.
func (m *Model) Export(extra map[string]string) (*WeightFile, error) {
	cfg := m.Cfg
	cfg.HiRA = 0
	inf, err := New(cfg)
	if err != nil {
		return nil, err
	}
	for _, t := range inf.Layout.Tensors {
		src, ok := m.Layout.Lookup(t.Name)
		if !ok {
			return nil, fmt.Errorf("model: export: no tensor %s", t.Name)
		}
		copy(inf.Data[t.Off:t.Off+t.Size], m.Data[src.Off:src.Off+src.Size])
	}
	mm := &GoMatMul{}
	for l := range m.P.Blocks {
		for s := range m.P.Blocks[l].Sets {
			st, dst := &m.P.Blocks[l].Sets[s], &inf.P.Blocks[l].Sets[s]
			st.R.Merge(mm, dst.R.W)
			st.K.Merge(mm, dst.K.W)
			st.V.Merge(mm, dst.V.W)
		}
	}
	meta := cfg.Meta()
	meta["train.hira"] = strconv.Itoa(m.Cfg.HiRA)
	meta["tokenizer"] = "bytes"
	for k, v := range extra {
		meta[k] = v
	}
	return &WeightFile{Kind: KindWeights, Meta: meta, Tensors: inf.ParamTensors()}, nil
}

// LoadWeights reads an inference weight file and builds the model.
func LoadWeights(path string) (*Model, *WeightFile, error) {
	f, err := ReadWeightFile(path)
	if err != nil {
		return nil, nil, err
	}
	m, err := ModelFromWeights(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, f, nil
}

// ModelFromWeights builds a model from a decoded inference weight file.
func ModelFromWeights(f *WeightFile) (*Model, error) {
	if f.Kind != KindWeights {
		return nil, badf("file kind %d is not inference weights (a checkpoint? export it first)", f.Kind)
	}
	cfg, err := ConfigFromMeta(f.Meta)
	if err != nil {
		return nil, err
	}
	if cfg.HiRA != 0 {
		return nil, badf("inference weights must have merged HiRA (model.hira=%d)", cfg.HiRA)
	}
	// check sizes before allocating anything the file asks for
	v, _ := NewVocab(cfg.Vocab, cfg.TextVocab)
	p := newParams(cfg, v)
	lay := layoutOf(func(fn visitFn) { p.visit(cfg, v, fn) })
	var have int
	for _, t := range f.Tensors {
		have += len(t.Data)
	}
	if have != 4*lay.Total {
		return nil, badf("payload holds %d bytes, config needs %d float32 parameters", have, lay.Total)
	}
	m, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if len(f.Tensors) != len(m.Layout.Tensors) {
		return nil, badf("%d tensors, model expects %d", len(f.Tensors), len(m.Layout.Tensors))
	}
	if err := m.LoadParamTensors(f, ""); err != nil {
		return nil, err
	}
	return m, nil
}

// Save encodes f and writes it atomically to path.
func (f *WeightFile) Save(path string) error {
	b, err := f.Encode()
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, b)
}
