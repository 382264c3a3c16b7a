package coder

import (
	"bytes"
	"testing"
)

// countModel is an order-0 adaptive model: logit = 256·log2-ish count.
type countModel struct{ n [256]int32 }

func (m *countModel) Logits(dst []int32) {
	for i := range dst[:256] {
		dst[i] = m.n[i] * 64
	}
}

func (m *countModel) Update(b byte, ft *FreqTable) {
	if ft.Freq(int(b)) == 0 {
		panic("coded symbol has no frequency")
	}
	m.n[b] = min(m.n[b]+1, 40)
}

func TestEncodeDecodeBytes(t *testing.T) {
	src := []byte("abracadabra, abracadabra, the model learns as it goes; abracadabra")
	enc, err := EncodeBytes([]byte("hdr"), src, &countModel{}, 16)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(enc, []byte("hdr")) {
		t.Fatal("EncodeBytes does not append to dst")
	}
	dec, err := DecodeBytes(enc[3:], len(src), &countModel{}, 16)
	if err != nil || !bytes.Equal(dec, src) {
		t.Fatalf("round trip: %q, %v", dec, err)
	}
	if len(enc)-3 >= len(src) {
		t.Errorf("adaptive model did not compress: %d bytes for %d", len(enc)-3, len(src))
	}
	// A truncated stream fails instead of returning wrong bytes silently.
	if dec, err := DecodeBytes(enc[3:len(enc)/2], len(src), &countModel{}, 16); err == nil && bytes.Equal(dec, src) {
		t.Error("truncated stream decoded to the original")
	}
}
