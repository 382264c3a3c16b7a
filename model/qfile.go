package model

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/dcar-archiver/dcar/model/kernel"
)

// The integer network is stored as a WeightFile (DCARWTS, SHA-256
// trailer) of kind KindWeights with meta "arch" = archName and the
// tensors listed in (*QNet).tensors: int16 matrices, int32 biases and Q16
// vectors, and each kernel.Scale vector as NAME.mult (int32) plus
// NAME.shift (uint8). The file's SHA-256 is the network's fingerprint.
const archName = "imgnet-q1"

type qTensor struct {
	name  string
	i16   *[]int16
	i32   *[]int32
	scale *[]kernel.Scale
	// act is an int16 activation vector (not bounded by WeightMax),
	// stored as int32
	act *[]int16
	n   int
}

func (q *QNet) tensors() []qTensor {
	H := q.H
	t := []qTensor{
		{name: "w1", i16: &q.W1, n: H * q.nf()}, {name: "b1", i32: &q.B1, n: H}, {name: "s1", scale: &q.S1, n: H},
	}
	if q.Text {
		t = append(t, qTensor{name: "e", i32: &q.E, n: 256 * H})
	}
	if q.St != nil {
		t = append(t, qTensor{name: "st", act: &q.St, n: H})
	}
	if q.Rec() {
		t = append(t,
			qTensor{name: "mu_r", i32: &q.MuR, n: H}, qTensor{name: "mu_k", i32: &q.MuK, n: H}, qTensor{name: "mu_v", i32: &q.MuV, n: H},
			qTensor{name: "wr", i16: &q.Wr, n: H * H}, qTensor{name: "sr", scale: &q.Sr, n: H},
			qTensor{name: "wk", i16: &q.Wk, n: H * H}, qTensor{name: "sk", scale: &q.Sk, n: H},
			qTensor{name: "wv", i16: &q.Wv, n: H * H}, qTensor{name: "sv", scale: &q.Sv, n: H},
			qTensor{name: "decay", i32: &q.Dec, n: H}, qTensor{name: "alpha", i32: &q.Alpha, n: H},
			qTensor{name: "wo", i16: &q.Wo, n: H * H}, qTensor{name: "so", scale: &q.So, n: H},
		)
	}
	if q.SA3 != nil {
		t = append(t, qTensor{name: "sa3", scale: &q.SA3, n: q.nout()})
	}
	return append(t,
		qTensor{name: "w2", i16: &q.W2, n: H * H}, qTensor{name: "b2", i32: &q.B2, n: H}, qTensor{name: "s2", scale: &q.S2, n: H},
		qTensor{name: "w3", i16: &q.W3, n: q.nout() * H}, qTensor{name: "b3", i32: &q.B3, n: q.nout()}, qTensor{name: "s3", scale: &q.S3, n: q.nout()},
	)
}

func (q *QNet) meta() map[string]string {
	m := map[string]string{"arch": archName, "h": strconv.Itoa(q.H), "seq": strconv.Itoa(q.Seq),
		"rec": strconv.FormatBool(q.Rec()), "nf": strconv.Itoa(q.nf()), "nout": strconv.Itoa(q.nout())}
	if q.Text {
		m["modality"] = "text"
	}
	if q.St != nil {
		m["start"] = "true"
	}
	for name, v := range q.fracs() {
		m[name] = strconv.Itoa(int(*v))
	}
	if q.AdaptShift > 0 {
		m["adapt"] = strconv.Itoa(int(q.AdaptShift))
	}
	if q.AdaptByChannel {
		m["adapt_by_channel"] = "true"
	}
	if q.Rec() {
		m["sg"] = fmt.Sprintf("%d,%d", q.Sg.Mult, q.Sg.Shift)
	}
	return m
}

func (q *QNet) fracs() map[string]*uint {
	return map[string]*uint{"fh1": &q.FH1, "fr": &q.FR, "fk": &q.FK, "fv": &q.FV, "fs": &q.FS, "fy": &q.FY, "fh2": &q.FH2}
}

// Encode serialises q as a weight file; the result's SHA-256 trailer is
// the network's fingerprint.
func (q *QNet) Encode() ([]byte, error) {
	f := &WeightFile{Kind: KindWeights, Meta: map[string]string{}}
	q.encodeInto(f, "", nil)
	return f.Encode()
}

// encodeInto adds q's meta keys and tensors to f, every name prefixed;
// tensors for which keep returns false are left out (shared ones of a
// unified file).
func (q *QNet) encodeInto(f *WeightFile, prefix string, keep func(name string) bool) {
	for k, v := range q.meta() {
		if k == "arch" && prefix != "" {
			continue
		}
		f.Meta[prefix+k] = v
	}
	for _, t := range q.tensors() {
		if keep != nil && !keep(t.name) {
			continue
		}
		t.name = prefix + t.name
		switch {
		case t.i16 != nil:
			f.Tensors = append(f.Tensors, i16Tensor(t.name, *t.i16))
		case t.act != nil:
			w := make([]int32, len(*t.act))
			for i, v := range *t.act {
				w[i] = int32(v)
			}
			f.Tensors = append(f.Tensors, i32Tensor(t.name, w))
		case t.i32 != nil:
			f.Tensors = append(f.Tensors, i32Tensor(t.name, *t.i32))
		default:
			mult := make([]int32, len(*t.scale))
			sh := make([]byte, len(*t.scale))
			for i, s := range *t.scale {
				mult[i], sh[i] = s.Mult, s.Shift
			}
			f.Tensors = append(f.Tensors, i32Tensor(t.name+".mult", mult),
				FileTensor{Name: t.name + ".shift", DType: U8, Shape: []int{len(sh)}, Data: sh})
		}
	}
}

func i16Tensor(name string, v []int16) FileTensor {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(x))
	}
	return FileTensor{Name: name, DType: I16, Shape: []int{len(v)}, Data: b}
}

func i32Tensor(name string, v []int32) FileTensor {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(x))
	}
	return FileTensor{Name: name, DType: I32, Shape: []int{len(v)}, Data: b}
}

// qnetFrom reads an image-only (imgnet-q1) network from a parsed file.
func qnetFrom(f *WeightFile) (*QNet, error) {
	if f.Meta["arch"] != archName {
		return nil, fmt.Errorf("%w: model: arch %q, want %q", ErrBadWeights, f.Meta["arch"], archName)
	}
	return decodeFrom(f, "", nil)
}

// decodeFrom reads the network whose meta keys and tensors carry prefix;
// tensors that are not in the file come from shared(name, n) if it
// gives them (a unified file's shared tensors), else are an error.
func decodeFrom(f *WeightFile, prefix string, shared func(name string, n int) ([]byte, bool)) (*QNet, error) {
	bad := func(format string, a ...any) (*QNet, error) {
		return nil, fmt.Errorf("%w: model: %s%s", ErrBadWeights, prefix, fmt.Sprintf(format, a...))
	}
	atoi := func(k string) int {
		v, err := strconv.Atoi(f.Meta[prefix+k])
		if err != nil {
			return -1
		}
		return v
	}
	q := &QNet{H: atoi("h"), Seq: atoi("seq"), Text: f.Meta[prefix+"modality"] == "text"}
	if q.H < HeadN || q.H > 128 || q.H%HeadN != 0 || q.Seq < 1 || atoi("nf") != q.nf() || atoi("nout") != q.nout() {
		return bad("shape h=%s seq=%s nf=%s nout=%s", f.Meta[prefix+"h"], f.Meta[prefix+"seq"], f.Meta[prefix+"nf"], f.Meta[prefix+"nout"])
	}
	if f.Meta[prefix+"start"] == "true" {
		q.St = []int16{} // marks it for tensors()
	}
	rec := f.Meta[prefix+"rec"] == "true"
	if _, ok := f.Meta[prefix+"adapt"]; ok {
		a := atoi("adapt")
		if a < 1 || a > 30 {
			return bad("adapt=%q", f.Meta[prefix+"adapt"])
		}
		q.AdaptShift = uint(a)
	}
	q.AdaptByChannel = f.Meta[prefix+"adapt_by_channel"] == "true"
	for name, p := range q.fracs() {
		v := atoi(name)
		if v < 0 || v > 24 {
			return bad("format %s=%q", name, f.Meta[prefix+name])
		}
		*p = uint(v)
	}
	if rec {
		q.Wr = []int16{} // marks Rec() for tensors()
		for _, s := range []struct {
			k string
			p *kernel.Scale
		}{{"sg", &q.Sg}} {
			var m int64 // 32-bit int cannot hold the bound on 386
			var sh int
			if _, err := fmt.Sscanf(f.Meta[prefix+s.k], "%d,%d", &m, &sh); err != nil || m < 0 || m >= 1<<31 || sh < 0 || sh > 63 {
				return bad("scale %s=%q", s.k, f.Meta[prefix+s.k])
			}
			*s.p = kernel.Scale{Mult: int32(m), Shift: uint8(sh)}
		}
		if q.FS+q.FR < q.FY {
			return bad("output format fy=%d above fs+fr", q.FY)
		}
	}
	if _, ok := f.Tensor(prefix + "sa3.mult"); ok {
		if q.AdaptShift == 0 {
			return bad("head-matrix adaptation without bias adaptation")
		}
		q.SA3 = []kernel.Scale{} // marks it for tensors()
	}
	le := binary.LittleEndian
	get := func(name string, dt DType, n int) ([]byte, error) {
		t, ok := f.Tensor(prefix + name)
		if !ok && shared != nil {
			if d, ok := shared(name, n); ok {
				return d, nil
			}
		}
		if !ok {
			return nil, fmt.Errorf("%w: model: tensor %s%s missing", ErrBadWeights, prefix, name)
		}
		if t.DType != dt || len(t.Data) != n*dt.Size() {
			return nil, fmt.Errorf("%w: model: tensor %s has dtype %d and %d bytes, want %d elements of dtype %d",
				ErrBadWeights, name, t.DType, len(t.Data), n, dt)
		}
		return t.Data, nil
	}
	for _, t := range q.tensors() {
		switch {
		case t.i16 != nil:
			d, err := get(t.name, I16, t.n)
			if err != nil {
				return nil, err
			}
			v := make([]int16, t.n)
			for i := range v {
				v[i] = int16(le.Uint16(d[2*i:]))
				if v[i] > WeightMax || v[i] < -WeightMax {
					return bad("tensor %s[%d] = %d exceeds ±%d", t.name, i, v[i], WeightMax)
				}
			}
			*t.i16 = v
		case t.act != nil:
			d, err := get(t.name, I32, t.n)
			if err != nil {
				return nil, err
			}
			v := make([]int16, t.n)
			for i := range v {
				x := int32(le.Uint32(d[4*i:]))
				if x < -32768 || x > 32767 {
					return bad("tensor %s[%d] = %d exceeds int16", t.name, i, x)
				}
				v[i] = int16(x)
			}
			*t.act = v
		case t.i32 != nil:
			d, err := get(t.name, I32, t.n)
			if err != nil {
				return nil, err
			}
			v := make([]int32, t.n)
			for i := range v {
				v[i] = int32(le.Uint32(d[4*i:]))
			}
			*t.i32 = v
		default:
			dm, err := get(t.name+".mult", I32, t.n)
			if err != nil {
				return nil, err
			}
			ds, err := get(t.name+".shift", U8, t.n)
			if err != nil {
				return nil, err
			}
			v := make([]kernel.Scale, t.n)
			for i := range v {
				m := int32(le.Uint32(dm[4*i:]))
				if m < 0 || ds[i] > 63 {
					return bad("scale %s[%d] = (%d, %d)", t.name, i, m, ds[i])
				}
				v[i] = kernel.Scale{Mult: m, Shift: ds[i]}
			}
			*t.scale = v
		}
	}
	return q, nil
}
