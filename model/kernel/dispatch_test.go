package kernel

import (
	"reflect"
	"testing"
)

func TestDispatch(t *testing.T) {
	names := make([]string, len(impls))
	for i, im := range impls {
		names[i] = im.name
	}
	t.Logf("implementations: %v", names)
	if len(impls) == 0 || impls[len(impls)-1] != generic {
		t.Fatalf("impls = %v: generic must be last", names)
	}
	if reflect.ValueOf(matVecS16Impl).Pointer() != reflect.ValueOf(impls[0].matVecS16).Pointer() {
		t.Errorf("the exported functions do not use the best implementation, %q", names[0])
	}
	seen := map[string]bool{}
	for _, im := range impls {
		if seen[im.name] {
			t.Errorf("duplicate implementation %q", im.name)
		}
		seen[im.name] = true
		e := im.elem
		if im.matVecS16 == nil || im.sgemm == nil || e.gate == nil || e.sigmoid == nil ||
			im.wkv16 == nil || im.matVecS32S16 == nil || im.rankOneUpdateS32 == nil {
			t.Errorf("implementation %q has a nil kernel", im.name)
		}
	}
}
