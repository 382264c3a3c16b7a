package format

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func testManifest() *Manifest {
	return &Manifest{Name: "backup.dcar", VolumeSize: 100 << 20, Flags: ManifestOrdered, Info: "preset=default", Entries: 5,
		Volumes: []Volume{
			{Name: "backup.dcar.001", Size: 1000, FirstEntry: 0, Entries: 3, Content: 900, FirstPath: "a", LastPath: "a/big", Flags: VolumeContinued},
			{Name: "backup.dcar.002", Size: 2000, FirstEntry: 3, Entries: 2, Content: 1900, FirstPath: "a/big", LastPath: "b"},
		}}
}

func TestManifestRoundTrip(t *testing.T) {
	b := AppendManifest(nil, testManifest())
	m, err := ParseManifest(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(AppendManifest(nil, m), b) {
		t.Fatal("manifest does not round-trip")
	}
	for _, c := range []struct {
		mod  func(m *Manifest)
		want error
	}{
		{func(m *Manifest) { m.Volumes[1].FirstEntry = 2 }, ErrCorrupt},
		{func(m *Manifest) { m.Volumes[0].Name = "../x" }, ErrCorrupt},
		{func(m *Manifest) { m.Volumes[1].Flags = VolumeContinued }, ErrCorrupt},
		{func(m *Manifest) { m.Entries = 9 }, ErrCorrupt},
		{func(m *Manifest) { m.VolumeSize = 0 }, ErrLimit},
	} {
		m := testManifest()
		c.mod(m)
		if _, err := ParseManifest(AppendManifest(nil, m)); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v", m, err)
		}
	}
	b[len(b)-5] ^= 1
	if _, err := ParseManifest(b); !errors.Is(err, ErrChecksum) {
		t.Errorf("damaged: %v", err)
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add(AppendManifest(nil, testManifest()))
	if b, err := os.ReadFile(filepath.Join("..", "testdata", "golden-set", "set.dcar")); err == nil {
		f.Add(b)
	} else {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(b)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error without an offset: %v", err)
			}
			return
		}
		// Non-minimal varints parse too: the re-encoding is what must be
		// stable.
		b2 := AppendManifest(nil, m)
		m2, err := ParseManifest(b2)
		if err != nil {
			t.Fatalf("re-encoded manifest rejected: %v", err)
		}
		if !bytes.Equal(AppendManifest(nil, m2), b2) {
			t.Fatal("manifest re-encoding is not stable")
		}
	})
}
