package model

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/model/bitcm"
)

var (
	tcmDir    = flag.String("textcm", "", "directory of text files to measure EncodeTextCM on")
	tcmPrior  = flag.Bool("textcm-prior", true, "with the network prior")
	tcmVerify = flag.Bool("textcm-verify", false, "decode and compare")
	tcmV2     = flag.Bool("textcm-v2", false, "the version 2 text model (model-text's first) instead of -textcm-version's")
	tcmV3     = flag.Bool("textcm-v3", false, "the version 3 text model instead of -textcm-version's")
	tcmV4     = flag.Bool("textcm-v4", false, "the version 4 text model instead of -textcm-version's")
	tcmVer    = flag.Int("textcm-version", 8, "the text model version: 6, 7 or 8 (model-text's)")
	tcmCold   = flag.Bool("textcm-cold", false, "without the warm starts (cold models)")
)

// TestMeasureTextCM codes every file of -textcm as one segment through
// bitcm's text model with and without the network prior and reports
// bits per byte of the real coded sizes.
func TestMeasureTextCM(t *testing.T) {
	if *tcmDir == "" {
		t.Skip("-textcm DIR not given")
	}
	m, err := DefaultText()
	if err != nil {
		t.Fatal(err)
	}
	// Each version's model-text configuration and the same text model
	// alone.
	models := map[int]struct{ cm, plain func() (bitcm.Config, error) }{
		2: {TextCMConfig, bitcm.TextConfig}, 3: {TextCM3Config, bitcm.Text3Config}, 4: {TextCM4Config, bitcm.Text4Config},
		6: {TextCM6Config, bitcm.Text6Config}, 7: {TextCM7Config, bitcm.Text7Config}, 8: {TextCM8Config, bitcm.Text8Config},
	}
	v := *tcmVer
	switch {
	case *tcmV2:
		v = 2
	case *tcmV3:
		v = 3
	case *tcmV4:
		v = 4
	}
	mv, ok := models[v]
	if !ok {
		t.Fatalf("-textcm-version %d: 6, 7 or 8", v)
	}
	cfg, err := mv.cm()
	if err != nil {
		t.Fatal(err)
	}
	plain, err := mv.plain()
	if err != nil {
		t.Fatal(err)
	}
	if *tcmCold {
		cfg.Warm, plain.Warm = nil, nil
	}
	files, _ := filepath.Glob(filepath.Join(*tcmDir, "*"))
	var raw, coded int64
	var el time.Duration
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		var out []byte
		if *tcmPrior {
			out, err = m.Text.EncodeTextCM(data, cfg)
		} else {
			out, err = bitcm.Encode(data, plain)
		}
		el += time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		if *tcmVerify && *tcmPrior {
			back, err := m.Text.DecodeTextCM(make([]byte, len(data)), out, cfg)
			if err != nil || !bytes.Equal(back, data) {
				t.Fatalf("%s: round trip failed: %v", f, err)
			}
		}
		raw += int64(len(data))
		coded += int64(len(out))
		fmt.Printf("%-40s %9d %8d %.4f\n", filepath.Base(f), len(data), len(out), 8*float64(len(out))/float64(len(data)))
	}
	fmt.Printf("TOTAL %d %d %.4f bpb  %.3f MB/s\n", raw, coded, 8*float64(coded)/float64(raw), float64(raw)/el.Seconds()/1e6)
}
