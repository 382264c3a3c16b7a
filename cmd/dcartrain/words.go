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
)

var wordDictOut = flag.String("word-dict", "", "write the word code's dictionary (model/bitcm/words.txt) to this path, from the files under the directories given as arguments (each a corpus, weighing the same: docs/word-dict.sh)")

// wordDictSize is how many words the dictionary holds (bitcm's word code
// has 15,111 numbers: 7 of one byte, the rest of two).
const wordDictSize = 15111

// writeWordDict writes the dictionary of bitcm's word code: the words
// (ASCII letter runs of 2 to 24 letters that the code would code: all
// lower case, all upper case or capitalised, counted in lower case)
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
			for i := 0; i < len(b); {
				if !asciiLetter(b[i]) {
					i++
					continue
				}
				j := i + 1
				for j < len(b) && asciiLetter(b[j]) {
					j++
				}
				if w := b[i:j]; len(w) >= 2 && len(w) <= 24 && codable(w) {
					counts[strings.ToLower(string(w))] += uint64(len(w) - 1)
					total += uint64(len(w) - 1)
				}
				i = j
			}
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

func asciiLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// codable reports whether the word code codes w when its dictionary has
// it: all lower case, all upper case, or capitalised.
func codable(w []byte) bool {
	up := 0
	for _, c := range w {
		if c >= 'A' && c <= 'Z' {
			up++
		}
	}
	return up == 0 || up == len(w) || up == 1 && w[0] >= 'A' && w[0] <= 'Z'
}
