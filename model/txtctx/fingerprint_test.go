package txtctx

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"testing"
)

// TestDefaultModelFrozen pins what DefaultFingerprint stands for: the
// default configuration and the pretrained weights.
func TestDefaultModelFrozen(t *testing.T) {
	want := Config{Orders: []int{1, 2, 3, 4, 5, 6, 8}, Word: true, MatchMin: 6, TableBits: 18,
		Limit: 60, LR: 1000, LRSel: 500, Boost: 16, DecayT: 8192}
	if got := DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Fatalf("DefaultConfig() = %+v, DefaultFingerprint stands for %+v", got, want)
	}
	s := sha256.Sum256([]byte(initKey + "\n" + pretrainedData))
	if got, want := hex.EncodeToString(s[:]), "05c775e7913bf3fb6c1fd0961ac76ed7d3347e3fafd27a1eb1036238c6f1402a"; got != want {
		t.Fatalf("pretrained weights hash %s, DefaultFingerprint stands for %s", got, want)
	}
}
