package bitcm

import "testing"

// The code tree is a prefix code over every byte, no code longer than
// maxCodeLen, and its node numbering fits the partial byte's tables.
func TestCodeTree(t *testing.T) {
	tr := textTree()
	seen := map[uint32]bool{}
	for b := range 256 {
		d, c := uint(tr.depth[b]), tr.code[b]
		if d == 0 || d > maxCodeLen || c>>d != 1 {
			t.Fatalf("byte %d: code %b of length %d", b, c, d)
		}
		seen[c] = true
		// Walk the code from the root.
		n := uint16(1)
		for i := int(d) - 1; i >= 0; i-- {
			if n >= 256 {
				t.Fatalf("byte %d: leaf before the code ends", b)
			}
			n = tr.child[n][c>>i&1]
		}
		if n != uint16(256+b) {
			t.Fatalf("byte %d: its code leads to %d", b, n)
		}
	}
	if tr.depth[' '] > 4 || tr.depth['e'] > 4 {
		t.Errorf("space %d, e %d bits", tr.depth[' '], tr.depth['e'])
	}
}
