package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

var warmPriorOut = flag.String("warm-text-prior", "", "as -warm-text, for the text model with the default network's text modality as its prior (model-text version 2; the text model of -warm-text-version)")

var warmTextVersion = flag.Int("warm-text-version", 4, "the text model -warm-text trains: 8 (bitcm.Text8ConfigCold, cm-text's), 7 (bitcm.Text7ConfigCold, domain models'), 6 (bitcm.Text6ConfigCold), 5 (bitcm.Text5ConfigCold), 4 (bitcm.Text4ConfigCold, cm-bin's, cm-bz2's and cm-gzip's), 3 (bitcm.Text3ConfigCold) or 2 (bitcm.TextConfigCold)")

var warmTextOut = flag.String("warm-text", "", "train the text model's warm start (bitcm.Text4ConfigCold, or -warm-text-version's) on the files of the directory given as argument (docs/warm-text.sh builds it) and write it, zstd-compressed, to this path")

// trainWarmText trains the text warm start on every file of dir, in the
// order of a hash of their names (so that the last files, which weigh
// most in the result, are not all of one kind), and writes it to out.
func trainWarmText(out, dir string, withPrior bool) {
	segs := trainingFiles(dir)
	total := 0
	for _, b := range segs {
		total += len(b)
	}
	var prior func(n int) (bitcm.Prior, error)
	if withPrior {
		m, err := model.DefaultText()
		if err != nil {
			log.Fatal(err)
		}
		prior = m.Text.TextPrior
	}
	var cfg bitcm.Config
	switch *warmTextVersion {
	case 2:
		cfg = bitcm.TextConfigCold()
	case 3:
		cfg = bitcm.Text3ConfigCold()
	case 4:
		cfg = bitcm.Text4ConfigCold()
	case 5:
		cfg = bitcm.Text5ConfigCold()
	case 6:
		cfg = bitcm.Text6ConfigCold()
	case 7:
		cfg = bitcm.Text7ConfigCold()
	case 8:
		cfg = bitcm.Text8ConfigCold()
	default:
		log.Fatalf("dcartrain: no text model version %d", *warmTextVersion)
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

// trainingFiles returns the contents of the files of dir, in the order
// of a hash of their names (nameOrder); none is fatal.
func trainingFiles(dir string) [][]byte {
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		log.Fatalf("dcartrain: no training files in %q", dir)
	}
	sort.Slice(files, func(i, j int) bool { return nameOrder(files[i]) < nameOrder(files[j]) })
	segs := make([][]byte, len(files))
	for i, f := range files {
		if segs[i], err = os.ReadFile(f); err != nil {
			log.Fatal(err)
		}
	}
	return segs
}

// nameOrder is the training order key of a file: a hash of its base name.
func nameOrder(path string) uint32 {
	h := uint32(2166136261)
	for _, c := range []byte(filepath.Base(path)) {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

var treeCountsOut = flag.String("tree-counts", "", "write the byte counts of the files of the directory given as argument (the warm start's training set) as the Go source of bitcm's code tree weights (model/bitcm/treecounts.go) to this path")

// writeTreeCounts writes the Go source of bitcm.textByteCounts: how
// often each byte value occurs in the files of dir.
func writeTreeCounts(out, dir string) {
	files := trainingFiles(dir)
	var c [256]uint64
	for _, b := range files {
		for _, x := range b {
			c[x]++
		}
	}
	var s strings.Builder
	s.WriteString("// Code generated from the warm start's training set (docs/warm-text.sh); DO NOT EDIT.\n\npackage bitcm\n\n")
	fmt.Fprintf(&s, "// textByteCounts is how often each byte value occurs in the %d files of\n// the warm start's training set: the weights of codeTree's Huffman code.\nvar textByteCounts = [256]uint32{", len(files))
	for i, v := range c {
		if v > math.MaxUint32 {
			log.Fatalf("dcartrain: byte %d occurs %d times", i, v)
		}
		if i%8 == 0 {
			s.WriteString("\n\t")
		} else {
			s.WriteString(" ")
		}
		fmt.Fprintf(&s, "%d,", v)
	}
	s.WriteString("\n}\n")
	if err := model.WriteFileAtomic(out, []byte(s.String())); err != nil {
		log.Fatal(err)
	}
}
