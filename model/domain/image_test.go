package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/train"
)

// testImage is a w×h image of ch channels with gradients and noise.
func testImage(w, h, ch int) []byte {
	b := make([]byte, w*h*ch)
	s := uint32(7)
	for i := range b {
		s = s*1103515245 + 12345
		p := i / ch
		b[i] = byte(p%w*3 + p/w*5 + int(s>>28) + 40*(i%ch))
	}
	return b
}

// smallImageNet is the weight file of a small untrained image network
// (hidden size 16, with the time-mix), quantised on testImage's rows.
func smallImageNet(t testing.TB) []byte {
	t.Helper()
	n := train.NewNet(train.Config{H: 16, Rec: true}, 3)
	s, err := train.Extract(testImage(32, 16, 3), 32, 16, 3, func(int) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	var b train.Batch
	for _, c := range train.Chunks(s, 32) {
		b.Gather(s, c[0], c[1])
	}
	q, err := train.Quantize(n, &b, 32, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	wf, err := q.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return wf
}

// A model of an image network alone: it parses back to that network
// (same fingerprint as the weight file read directly), replaces no text
// model, and codes pixels both ways.
func TestImageNet(t *testing.T) {
	wf := smallImageNet(t)
	b, err := Encode(tinyBase, "image", Parts{Image: wf})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := model.Decode("x", wf)
	if err != nil {
		t.Fatal(err)
	}
	if m.Image() == nil || m.Image().Fingerprint != direct.Fingerprint || m.Image().SplitFingerprint != direct.SplitFingerprint {
		t.Fatal("the image network did not come back")
	}
	if _, ok := m.TextConfig(); ok || m.TextFingerprint() != ([8]byte{}) {
		t.Error("an image-only model replaces the text model")
	}
	img := testImage(24, 10, 3)
	enc, err := m.Image().Net.EncodeStripe(nil, img, 24, 10, 3)
	if err != nil {
		t.Fatal(err)
	}
	if dec, err := m.Image().Net.DecodeStripe(enc, 24, 10, 3); err != nil || !bytes.Equal(dec, img) {
		t.Fatalf("round trip: %v", err)
	}
}

// An image network part is refused where it does not belong: a unified
// weight file, a version 5 file, a weight file that does not load.
func TestRejectImageNet(t *testing.T) {
	dual, err := os.ReadFile("../weights/" + model.DefaultWeights)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Encode(tinyBase, "", Parts{Image: dual}); err == nil || !strings.Contains(err.Error(), "unified") {
		t.Errorf("a unified weight file as the image network: %v", err)
	}
	wf := smallImageNet(t)
	if _, err := Encode(tinyBase, "", Parts{Image: wf[:len(wf)-1]}); err == nil {
		t.Error("a truncated weight file was encoded")
	}
	b, err := Encode(tinyBase, "", Parts{Image: wf})
	if err != nil {
		t.Fatal(err)
	}
	v5 := bytes.Clone(b[:len(b)-32])
	binary.LittleEndian.PutUint32(v5[8:], 5)
	sum := sha256.Sum256(v5)
	if _, err := Parse(append(v5, sum[:]...)); !errors.Is(err, ErrBadModel) || !strings.Contains(err.Error(), "unknown kind 3") {
		t.Errorf("an image network in a version 5 file: %v", err)
	}
}
