package train

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Checkpoints of a Net and of a Unified load back to the same
// configuration and parameters; a truncated one is refused.
func TestCheckpointRoundTrip(t *testing.T) {
	dir := t.TempDir()
	n := NewNet(Config{H: 32, Rec: true, Text: true, Start: true}, 1)
	randomize(n, 2, 0.1)
	pn := filepath.Join(dir, "net.ckpt")
	if err := n.Save(pn); err != nil {
		t.Fatal(err)
	}
	n2, err := Load(pn)
	if err != nil || n2.Cfg != n.Cfg || !slices.Equal(n2.P, n.P) {
		t.Fatalf("net checkpoint does not round-trip: %v", err)
	}

	u, err := NewUnified(UConfig{H: 32, Switch: true, MoE: true, Hs: 16, HiRA: 1, NoTokens: true}, nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range u.U {
		u.U[i] += float32(i%11) * 0.01
	}
	u.Sync()
	pu := filepath.Join(dir, "uni.ckpt")
	if err := u.Save(pu); err != nil {
		t.Fatal(err)
	}
	u2, err := LoadUnified(pu)
	if err != nil || u2.Cfg != u.Cfg || !slices.Equal(u2.U, u.U) || !slices.Equal(u2.Txt.P, u.Txt.P) {
		t.Fatalf("unified checkpoint does not round-trip: %v", err)
	}

	b, _ := os.ReadFile(pu)
	os.WriteFile(pu, b[:len(b)-4], 0o644)
	if _, err := LoadUnified(pu); err == nil {
		t.Error("truncated unified checkpoint loaded")
	}
	if _, err := Load(pu); err == nil {
		t.Error("a unified checkpoint loaded as a net")
	}
}
