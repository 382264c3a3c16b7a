package kernel

import "testing"

func TestDispatch(t *testing.T) {
	names := Impls()
	t.Logf("implementations: %v, active: %s", names, Impl())
	if len(names) == 0 || names[len(names)-1] != "generic" {
		t.Fatalf("Impls() = %v: generic must be last", names)
	}
	if Impl() != names[0] {
		t.Errorf("active %q, want the best, %q", Impl(), names[0])
	}
	seen := map[string]bool{}
	for _, im := range impls {
		if seen[im.name] {
			t.Errorf("duplicate implementation %q", im.name)
		}
		seen[im.name] = true
		e := im.elem
		if im.matVecS16 == nil || im.sgemm == nil ||
			e.gate == nil ||
			e.sigmoid == nil || im.wkv16 == nil ||
			im.matVecS32S16 == nil || im.rankOneUpdateS32 == nil {
			t.Errorf("implementation %q has a nil kernel", im.name)
		}
	}
}
