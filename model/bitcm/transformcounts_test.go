package bitcm

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var transformCountsDir = flag.String("transform-counts", "", "directory of the warm start's training set (docs/warm-text.sh): check transformByteCounts against it")

// transformByteCounts is what the transforms of the warm start's
// training set count (go test -run TestTransformCounts
// -transform-counts /tmp/warm-text), and transformTree is a code tree:
// every byte a leaf, the bytes 0x80-0xff at depth 7 below one node.
func TestTransformCounts(t *testing.T) {
	tr := transformTree()
	for b := range 256 {
		if tr.depth[b] == 0 || tr.depth[b] > maxCodeLen {
			t.Errorf("byte %#x: code length %d", b, tr.depth[b])
		}
	}
	for b := 0x81; b < 256; b++ {
		if tr.depth[b] != tr.depth[0x80] || tr.code[b]-tr.code[0x80] != uint32(b-0x80) {
			t.Fatalf("byte %#x: code %b, 0x80's %b: not the trie of the 7 low bits", b, tr.code[b], tr.code[0x80])
		}
	}
	if *transformCountsDir == "" {
		t.Skip("-transform-counts DIR not given")
	}
	files, err := filepath.Glob(filepath.Join(*transformCountsDir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: %v", *transformCountsDir, err)
	}
	var got [256]uint32
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range WordTransform(nil, b, Text6ConfigCold()) {
			got[c]++
		}
	}
	if got != transformByteCounts {
		t.Errorf("the transforms of %s count differently", *transformCountsDir)
	}
}
