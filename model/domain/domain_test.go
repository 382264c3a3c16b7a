package domain

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/model/bitcm"
)

var update = flag.Bool("update", false, "rewrite testdata/tiny7.dcm, tiny7-image.dcm, tiny8-stage.dcm and tiny9-primer.dcm")

// checkFixture fails t unless b is testdata/name byte for byte (which
// -update rewrites first), and returns the fixture.
func checkFixture(t *testing.T, b []byte, name string) []byte {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("Encode gives %d bytes differing from %s (%d bytes): run go test -update if the format changed on purpose", len(b), path, len(want))
	}
	return want
}

var tinyBase = [8]byte{1, 2, 3, 4, 5, 6, 7, 8}

// tinyModel is testdata/tiny7.dcm: cm-text's cold version 8 model fitted
// to a few lines of Go (a warm start mostly at its initial values, so
// the file compresses to a few kilobytes). testdata/tiny.dcm, tiny2.dcm,
// tiny3.dcm, tiny4.dcm, tiny5.dcm and tiny6.dcm are the same for version
// 1 to 6 files (the version 2, 3, 4, 6, 7 and 7 text models), written
// before and kept: they must parse forever.
func tinyModel(t testing.TB) []byte {
	t.Helper()
	src := []byte(strings.Repeat("func (m *Model) Bytes() []byte { return m.raw }\n", 4))
	w, err := bitcm.TrainWarm(bitcm.Text8ConfigCold(), [][]byte{src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(tinyBase, "tiny test model", Parts{Text: w})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The version 7 fixture is what Encode builds today (the format and
// TrainWarm are deterministic); every fixture parses back, each to its
// version's text model.
func TestTinyFixture(t *testing.T) {
	b := tinyModel(t)
	checkFixture(t, b, "tiny7.dcm")
	checkTiny(t, b, bitcm.Text8Config)
	v6, err := os.ReadFile("testdata/tiny6.dcm")
	if err != nil {
		t.Fatal(err)
	}
	checkTiny(t, v6, bitcm.Text7Config)
	v5, err := os.ReadFile("testdata/tiny5.dcm")
	if err != nil {
		t.Fatal(err)
	}
	checkTiny(t, v5, bitcm.Text7Config)
	v4, err := os.ReadFile("testdata/tiny4.dcm")
	if err != nil {
		t.Fatal(err)
	}
	checkTiny(t, v4, bitcm.Text6Config)
	v3, err := os.ReadFile("testdata/tiny3.dcm")
	if err != nil {
		t.Fatal(err)
	}
	checkTiny(t, v3, bitcm.Text4Config)
	v2, err := os.ReadFile("testdata/tiny2.dcm")
	if err != nil {
		t.Fatal(err)
	}
	checkTiny(t, v2, bitcm.Text3Config)
	v1, err := os.ReadFile("testdata/tiny.dcm")
	if err != nil {
		t.Fatal(err)
	}
	checkTiny(t, v1, bitcm.TextConfig)
}

// checkTiny parses a tiny fixture and checks it refits shipped's text
// model and codes with it.
func checkTiny(t *testing.T, b []byte, shipped func() (bitcm.Config, error)) {
	t.Helper()
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Base != tinyBase || m.Info != "tiny test model" || !bytes.Equal(m.Bytes(), b) {
		t.Errorf("parsed %+v", m)
	}
	if [8]byte(b[len(b)-32:]) != m.Fingerprint {
		t.Errorf("fingerprint %x is not the start of the trailer", m.Fingerprint)
	}
	c, ok := m.TextConfig()
	if !ok || m.TextFingerprint() != bitcm.Fingerprint(c) {
		t.Fatal("no text model")
	}
	s, err := shipped()
	if err != nil {
		t.Fatal(err)
	}
	if m.TextFingerprint() == bitcm.Fingerprint(s) {
		t.Error("the domain text model has the shipped fingerprint")
	}
	same := c
	same.Warm = s.Warm
	if bitcm.Fingerprint(same) != bitcm.Fingerprint(s) {
		t.Error("the domain text model is not the shipped model with another warm start")
	}
	src := []byte("func main() { println(\"hello\") }\n")
	enc, err := bitcm.Encode(src, c)
	if err != nil {
		t.Fatal(err)
	}
	if dec, err := bitcm.Decode(enc, len(src), c); err != nil || !bytes.Equal(dec, src) {
		t.Fatalf("round trip: %v", err)
	}
}

// Every truncation and every altered byte is rejected with an *Error
// naming an offset inside the file.
func TestRejectDamage(t *testing.T) {
	b, err := os.ReadFile("testdata/tiny.dcm")
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, d []byte) {
		t.Helper()
		_, err := Parse(d)
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrBadModel) {
			t.Fatalf("%s: error %v", what, err)
		}
		if e.Offset < 0 || e.Offset > int64(len(d)) {
			t.Fatalf("%s: offset %d outside the file of %d bytes", what, e.Offset, len(d))
		}
	}
	for n := 0; n < len(b); n += 1 + n/7 {
		check("truncated", b[:n])
	}
	for i := 0; i < len(b); i += 1 + i/5 {
		d := bytes.Clone(b)
		d[i] ^= 0x10
		check("altered", d)
	}
	check("appended", append(bytes.Clone(b), 0))
	_, err = Parse(b[:40])
	if err == nil || !strings.Contains(err.Error(), "offset") {
		t.Errorf("truncated: %v", err)
	}
}

// A part that passes the checksum must still be a warm start that fits.
func TestRejectForeignWarm(t *testing.T) {
	cfg := bitcm.DefaultConfig()
	cfg.TableBits = 12
	w, err := bitcm.TrainWarm(cfg, [][]byte{[]byte("some text")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(tinyBase, "", Parts{Text: w})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(b); !errors.Is(err, ErrBadModel) || !strings.Contains(err.Error(), "another model shape") {
		t.Fatalf("a warm start of another shape: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/tiny.dcm", "testdata/tiny2.dcm", "testdata/tiny3.dcm", "testdata/tiny4.dcm", "testdata/tiny5.dcm", "testdata/tiny6.dcm", "testdata/tiny6-image.dcm", "testdata/tiny7.dcm", "testdata/tiny7-image.dcm", "testdata/tiny8-stage.dcm", "testdata/tiny9-primer.dcm"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:30])
	}
	if p, err := Encode(tinyBase, "primer", Parts{Primer: []byte("package p\n")}); err == nil {
		f.Add(p)
	}
	if p, err := Encode(tinyBase, "image", Parts{Image: smallImageNet(f)}); err == nil {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, d []byte) {
		m, err := Parse(d)
		if err != nil {
			if !errors.Is(err, ErrBadModel) {
				t.Fatalf("error %v does not wrap ErrBadModel", err)
			}
			return
		}
		if !bytes.Equal(m.Bytes(), d) {
			t.Fatal("Bytes differ from the input")
		}
	})
}

// A model of a primer alone keeps the shipped warm start; it codes text
// like its primer smaller than the shipped model, and round-trips.
func TestPrimerOnly(t *testing.T) {
	primer := []byte(strings.Repeat("func (m *Model) Bytes() []byte { return m.raw }\n", 20))
	b, err := Encode(tinyBase, "", Parts{Primer: primer})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := m.TextConfig()
	shipped, _ := bitcm.Text8Config()
	if !ok || c.Warm != shipped.Warm || !bytes.Equal(m.Primer(), primer) || m.TextFingerprint() == bitcm.Fingerprint(shipped) {
		t.Fatalf("primer-only model: %v", ok)
	}
	src := []byte("package x\n\nfunc (m *Model) Bytes() []byte { return m.raw }\n")
	a, _ := bitcm.Encode(src, shipped)
	p, err := bitcm.Encode(src, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) >= len(a) {
		t.Errorf("%d bytes with the primer, %d without", len(p), len(a))
	}
	if d, err := bitcm.Decode(p, len(src), c); err != nil || !bytes.Equal(d, src) {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := Encode(tinyBase, "", Parts{}); err == nil {
		t.Error("a model of nothing encoded")
	}
}
