package model

import (
	"fmt"
	"slices"
	"strconv"
)

// The unified network's weight file: a WeightFile with meta "arch"
// = dualArch and "hs" (the FFN's shared expert units), the image
// network's meta keys and tensors prefixed "img." and the text
// network's prefixed "txt.", except the tensors the modalities share,
// which are stored once: the time-mix output projection (txt.wo is
// img.wo) and the shared expert's rows of the FFN (txt.w2 is img.w2's
// first hs rows followed by txt.w2x, the text expert's rows). Scale
// vectors are per modality: they fold in each modality's activation
// formats.
const dualArch = "dualnet-q1"

// Dual is the integer unified network: one QNet per modality over one
// parameter set.
type Dual struct {
	Img, Txt *QNet
	Hs       int
}

// Encode serialises d; the SHA-256 trailer is its fingerprint. It
// fails if the tensors stored once are not identical in both networks.
func (d *Dual) Encode() ([]byte, error) {
	H := d.Img.H
	if d.Img.Text || !d.Txt.Text || d.Txt.H != H || d.Hs < 0 || d.Hs > H || !d.Img.Rec() || !d.Txt.Rec() {
		return nil, fmt.Errorf("model: not a unified pair (h %d/%d, hs %d)", H, d.Txt.H, d.Hs)
	}
	if !slices.Equal(d.Img.Wo, d.Txt.Wo) || !slices.Equal(d.Img.W2[:d.Hs*H], d.Txt.W2[:d.Hs*H]) {
		return nil, fmt.Errorf("model: shared tensors differ between the modalities")
	}
	f := &WeightFile{Kind: KindWeights, Meta: map[string]string{"arch": dualArch, "hs": strconv.Itoa(d.Hs)}}
	d.Img.encodeInto(f, "img.", nil)
	d.Txt.encodeInto(f, "txt.", func(name string) bool { return name != "wo" && name != "w2" })
	f.Tensors = append(f.Tensors, i16Tensor("txt.w2x", d.Txt.W2[d.Hs*H:]))
	return f.Encode()
}

// DecodeDual reads a unified (dualnet-q1) weight file, such as a shipped
// network's (model/weights) or one dcartrain -export wrote.
func DecodeDual(b []byte) (*Dual, error) {
	f, err := DecodeWeightFile(b)
	if err != nil {
		return nil, err
	}
	return dualFrom(f)
}

// dualFrom reads a unified (dualnet-q1) network from a parsed file.
func dualFrom(f *WeightFile) (*Dual, error) {
	fail := func(format string, a ...any) (*Dual, error) {
		return nil, fmt.Errorf("%w: model: %s", ErrBadWeights, fmt.Sprintf(format, a...))
	}
	if f.Meta["arch"] != dualArch {
		return fail("arch %q, want %q", f.Meta["arch"], dualArch)
	}
	img, err := decodeFrom(f, "img.", nil)
	if err != nil {
		return nil, err
	}
	H := img.H
	hs, err := strconv.Atoi(f.Meta["hs"])
	if err != nil || hs < 0 || hs > H || img.Text || !img.Rec() {
		return fail("hs=%q or image network invalid", f.Meta["hs"])
	}
	wo, _ := f.Tensor("img.wo")
	w2, _ := f.Tensor("img.w2")
	w2x, ok := f.Tensor("txt.w2x")
	if !ok || len(w2x.Data) != 2*(H-hs)*H {
		return fail("tensor txt.w2x missing or of the wrong size")
	}
	shared := func(name string, n int) ([]byte, bool) {
		switch name {
		case "wo":
			return wo.Data, true
		case "w2":
			return append(slices.Clip(w2.Data[:2*hs*H]), w2x.Data...), true
		}
		return nil, false
	}
	txt, err := decodeFrom(f, "txt.", shared)
	if err != nil {
		return nil, err
	}
	if !txt.Text || txt.H != H || !txt.Rec() {
		return fail("text network invalid")
	}
	return &Dual{Img: img, Txt: txt, Hs: hs}, nil
}
