package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

var warmPriorOut = flag.String("warm-text-prior", "", "as -warm-text, for the text model with the default network's text modality as its prior (model-text version 2; the text model of -warm-text-version)")

var warmTextVersion = flag.Int("warm-text-version", 3, "the text model -warm-text trains: 3 (bitcm.Text3ConfigCold, cm-text's) or 2 (bitcm.TextConfigCold)")

var warmTextOut = flag.String("warm-text", "", "train the text model's warm start (bitcm.Text3ConfigCold, or -warm-text-version's) on the files of the directory given as argument (docs/warm-text.sh builds it) and write it, zstd-compressed, to this path")

// trainWarmText trains the text warm start on every file of dir, in the
// order of a hash of their names (so that the last files, which weigh
// most in the result, are not all of one kind), and writes it to out.
func trainWarmText(out, dir string, withPrior bool) {
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		log.Fatalf("dcartrain: no training files in %q", dir)
	}
	sort.Slice(files, func(i, j int) bool { return nameOrder(files[i]) < nameOrder(files[j]) })
	var segs [][]byte
	total := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			log.Fatal(err)
		}
		segs, total = append(segs, b), total+len(b)
	}
	var prior func(n int) (bitcm.Prior, error)
	if withPrior {
		m, err := model.DefaultText()
		if err != nil {
			log.Fatal(err)
		}
		prior = m.Text.TextPrior
	}
	cfg := bitcm.Text3ConfigCold()
	if *warmTextVersion == 2 {
		cfg = bitcm.TextConfigCold()
	}
	w, err := bitcm.TrainWarm(cfg, segs, prior)
	if err != nil {
		log.Fatal(err)
	}
	z, err := bitcm.CompressWarm(w)
	if err != nil {
		log.Fatal(err)
	}
	if err := model.WriteFileAtomic(out, z); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: warm start from %d files (%d bytes), %d bytes compressed\n", out, len(segs), total, len(z))
}

// nameOrder is the training order key of a file: a hash of its base name.
func nameOrder(path string) uint32 {
	h := uint32(2166136261)
	for _, c := range []byte(filepath.Base(path)) {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}
