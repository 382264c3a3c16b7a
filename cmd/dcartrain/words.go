package main

import (
	"flag"
	"log"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

var wordDictOut = flag.String("word-dict", "", "write the word code's dictionary (model/bitcm/words.txt) to this path, from the files under the directories given as arguments (each a corpus, weighing the same: docs/word-dict.sh)")

// wordDictSize is how many words the dictionary holds (bitcm's word code
// has 15,111 numbers: 7 of one byte, the rest of two).
const wordDictSize = 15111

// writeWordDict writes the dictionary of bitcm's word code (version 6's):
// the words (bitcm.Words: the runs of letters the code would code, of
// up to 24 letters, counted in lower case)
// that save the most bytes, each corpus weighing the same: a word's
// score is, summed over the corpora, its count times its length minus
// one over the corpus' total of that. Integer arithmetic, ties broken
// by the word: the same files give the same list on every machine.
func writeWordDict(out string, dirs []string) {
	score := map[string]uint64{}
	for _, dir := range dirs {
		counts := map[string]uint64{}
		var total uint64
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			bitcm.Words(b, func(w []byte) {
				if len(w) <= 24 {
					counts[strings.ToLower(string(w))] += uint64(len(w) - 1)
					total += uint64(len(w) - 1)
				}
			})
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
		if total == 0 {
			log.Fatalf("dcartrain: no words under %s", dir)
		}
		for w, c := range counts {
			hi, lo := bits.Mul64(c, 1<<40)
			q, _ := bits.Div64(hi, lo, total)
			score[w] += q
		}
	}
	words := make([]string, 0, len(score))
	for w := range score {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		if score[a] != score[b] {
			if score[a] > score[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	words = words[:min(len(words), wordDictSize)]
	if err := model.WriteFileAtomic(out, []byte(strings.Join(words, "\n")+"\n")); err != nil {
		log.Fatal(err)
	}
	log.Printf("dcartrain: %d words to %s", len(words), out)
}
