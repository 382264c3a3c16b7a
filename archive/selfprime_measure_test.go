package archive

import (
	"flag"
	"testing"
	"time"
)

var selfPrimeDir = flag.String("self-prime-dir", "", "TestMeasureSelfPrimer: the folder to make a self primer of")

// TestMeasureSelfPrimer makes the self primer dcar create --prime-images
// would carry for a folder and reports it and its time, without coding
// the folder.
func TestMeasureSelfPrimer(t *testing.T) {
	if *selfPrimeDir == "" {
		t.Skip("-self-prime-dir DIR")
	}
	start := time.Now()
	d, err := selfPrimer([]string{*selfPrimeDir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d == nil {
		t.Fatalf("no self primer: fewer than %d flat sub-pixels", selfPrimeLeast)
	}
	p := d.Image().StagePrimer
	t.Logf("model %x: primer of %d images, %d sub-pixels, %d bytes; model %d bytes; %v", d.Fingerprint[:], p.Images(), p.Samples(), p.Size(), len(d.Bytes()), time.Since(start))
}
