package bitcm

import (
	"bytes"
	"testing"
)

// A buffer from the pool comes back cleared, and a model on a reused
// (dirty) buffer codes the same bits as one on a fresh buffer.
func TestTablePool(t *testing.T) {
	tabs, buf := allocTables(2, poolMin)
	if buf == nil {
		t.Skip("no pooled buffers on this platform")
	}
	for _, tb := range tabs {
		for i := range tb {
			tb[i] = 0xdeadbeef
		}
	}
	freeTables(buf)
	if again, b2 := allocTables(1, poolMin); b2 != nil {
		for i, v := range again[0] {
			if v != 0 {
				t.Fatalf("reused table entry %d = %#x, want 0", i, v)
			}
		}
		freeTables(b2)
	}

	a := sampleText(100_000, 1)
	b := sampleText(60_000, 2)
	cfg := TextConfigCold()
	tablePool.New = nil
	for tablePool.Get() != nil { // empty the pool: b's model gets fresh tables
	}
	fresh, err := Encode(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Encode(a, cfg); err != nil { // leaves its dirty tables in the pool
		t.Fatal(err)
	}
	reused, err := Encode(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, reused) {
		t.Fatalf("coded on reused tables: %d bytes, on fresh ones %d (or different bytes)", len(reused), len(fresh))
	}
	got, err := Decode(reused, len(b), cfg)
	if err != nil || !bytes.Equal(got, b) {
		t.Fatalf("round trip: %v", err)
	}
}
