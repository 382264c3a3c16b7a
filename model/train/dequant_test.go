package train

import (
	"os"
	"slices"
	"testing"

	"github.com/dcar-archiver/dcar/model"
)

// sameQNet reports the first integer tensor or format in which a and b
// differ ("" if none).
func sameQNet(a, b *model.QNet) string {
	for _, t := range []struct {
		name  string
		equal bool
	}{
		{"W1", slices.Equal(a.W1, b.W1)}, {"W2", slices.Equal(a.W2, b.W2)}, {"W3", slices.Equal(a.W3, b.W3)},
		{"Wr", slices.Equal(a.Wr, b.Wr)}, {"Wk", slices.Equal(a.Wk, b.Wk)}, {"Wv", slices.Equal(a.Wv, b.Wv)},
		{"Wo", slices.Equal(a.Wo, b.Wo)}, {"St", slices.Equal(a.St, b.St)},
		{"B1", slices.Equal(a.B1, b.B1)}, {"B2", slices.Equal(a.B2, b.B2)}, {"B3", slices.Equal(a.B3, b.B3)},
		{"E", slices.Equal(a.E, b.E)}, {"MuR", slices.Equal(a.MuR, b.MuR)}, {"MuK", slices.Equal(a.MuK, b.MuK)},
		{"MuV", slices.Equal(a.MuV, b.MuV)}, {"Dec", slices.Equal(a.Dec, b.Dec)}, {"Alpha", slices.Equal(a.Alpha, b.Alpha)},
		{"S1", slices.Equal(a.S1, b.S1)}, {"S2", slices.Equal(a.S2, b.S2)}, {"S3", slices.Equal(a.S3, b.S3)},
		{"Sr", slices.Equal(a.Sr, b.Sr)}, {"Sk", slices.Equal(a.Sk, b.Sk)}, {"Sv", slices.Equal(a.Sv, b.Sv)},
		{"So", slices.Equal(a.So, b.So)},
		{"formats", a.FH1 == b.FH1 && a.FR == b.FR && a.FK == b.FK && a.FV == b.FV && a.FS == b.FS && a.FY == b.FY && a.FH2 == b.FH2 && a.Sg == b.Sg},
	} {
		if !t.equal {
			return t.name
		}
	}
	return ""
}

// Dequantize then Quantize on the same calibration batch gives the same
// integer network back, image and text, with and without the time-mix.
func TestDequantizeRoundTrip(t *testing.T) {
	for _, rec := range []bool{false, true} {
		_, q := testQNet(t, 32, rec)
		n, err := Dequantize(q)
		if err != nil {
			t.Fatal(err)
		}
		q2, err := Quantize(n, imageCalib(t, 64, 32, 96), 96, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if d := sameQNet(q, q2); d != "" {
			t.Errorf("image network (time-mix %v): %s differs after the round trip", rec, d)
		}
	}
	_, q := testTextQNet(t, 32, 0, 0)
	n, err := Dequantize(q)
	if err != nil {
		t.Fatal(err)
	}
	q2, err := Quantize(n, textBatch(4096, 128), 128, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d := sameQNet(q, q2); d != "" {
		t.Errorf("text network: %s differs after the round trip", d)
	}
}

// Dequantize rejects a network whose tensors have the wrong sizes.
func TestDequantizeBadSizes(t *testing.T) {
	_, q := testQNet(t, 32, true)
	w2, dec := q.W2, q.Dec
	q.W2 = w2[:len(w2)-1]
	if _, err := Dequantize(q); err == nil {
		t.Error("a short W2 was accepted")
	}
	q.W2, q.Dec = w2, nil
	if _, err := Dequantize(q); err == nil {
		t.Error("a missing decay vector was accepted")
	}
	q.Dec = dec
	if _, err := Dequantize(q); err != nil {
		t.Errorf("the restored network: %v", err)
	}
}

// The shipped unified network dequantised (FromDual, shared tensors
// and all) quantises back to the same integers in both modalities, with
// the shipped activation formats. (With the export's calibration, too:
// dcartrain -load-unified model/weights/uni96b-a.dcw -export with the
// shipped network's export flags writes uni96b-a.dcw byte for byte.)
func TestDequantizeShipped(t *testing.T) {
	b, err := os.ReadFile("../weights/" + model.DefaultWeights)
	if err != nil {
		t.Fatal(err)
	}
	d, err := model.DecodeDual(b)
	if err != nil {
		t.Fatal(err)
	}
	H := d.Img.H
	u, err := FromDual(d, UConfig{H: H, Switch: true, MoE: d.Hs < H, Hs: d.Hs, HiRA: 4}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name string
		n    *Net
		q    *model.QNet
	}{{"image", u.Img, d.Img}, {"text", u.Txt, d.Txt}} {
		q2, err := quantizeWith(m.n, formatsOf(m.q), m.q.Seq, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if diff := sameQNet(m.q, q2); diff != "" {
			t.Errorf("%s network: %s differs after the round trip", m.name, diff)
		}
	}
}

// The shipped image network, dequantised and quantised like itself
// (with the head-matrix rate it was exported with, 0.001), is itself
// again, down to its weight file: the start of a domain model's image
// network (package domain).
func TestQuantizeLikeShipped(t *testing.T) {
	m, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	n, err := Dequantize(m.Net)
	if err != nil {
		t.Fatal(err)
	}
	q, err := QuantizeLike(n, m.Net, 0.001)
	if err != nil {
		t.Fatal(err)
	}
	a, err := m.Net.Encode()
	if err != nil {
		t.Fatal(err)
	}
	b, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, b) {
		t.Errorf("weight file of %d bytes differs from the shipped image network's (%d bytes); first differing tensor: %q", len(b), len(a), sameQNet(m.Net, q))
	}
	if _, err := QuantizeLike(NewNet(Config{H: 32, Rec: true}, 1), m.Net, 0.001); err == nil {
		t.Error("a network of another size was quantised like the shipped one")
	}
}
