package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dcar-archiver/dcar/archive"
)

// Write an archive from data in memory with the default options (the
// Writer picks each entry's codec as dcar create does), then read it back
// entry by entry.
func Example() {
	var buf bytes.Buffer
	w := archive.NewWriter(&buf, archive.WriterOptions{})
	files := []struct{ name, body string }{
		{"notes/readme.txt", strings.Repeat("dcar keeps every byte of every file.\n", 50)},
		{"notes/todo.txt", "measure, then commit\n"},
	}
	for _, f := range files {
		h := &archive.Header{Path: f.name, Type: archive.TypeRegular, Mode: 0o644,
			ModTime: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), Size: int64(len(f.body))}
		if err := w.WriteEntry(h, strings.NewReader(f.body)); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s, %s\n", h.Path, h.Modality, archive.CodecName(h.Codec))
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := archive.NewReader(&buf, archive.ReaderOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		body, err := io.ReadAll(r) // checked against the entry's SHA-256
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d bytes, first line %q\n", h.Path, len(body), strings.SplitN(string(body), "\n", 2)[0])
	}
	// Output:
	// notes/readme.txt: text, model-text
	// notes/todo.txt: text, model-text
	// notes/readme.txt: 1850 bytes, first line "dcar keeps every byte of every file."
	// notes/todo.txt: 21 bytes, first line "measure, then commit"
}

// Archive a directory tree and restore it elsewhere, as dcar create and
// dcar extract do.
func ExampleCreate() {
	src, err := os.MkdirTemp("", "dcar-example-src")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(src)
	os.MkdirAll(filepath.Join(src, "photos"), 0o755)
	os.WriteFile(filepath.Join(src, "photos", "list.txt"), []byte("kodim01\nkodim02\n"), 0o644)

	var arc bytes.Buffer
	if err := archive.Create(&arc, []string{src}, archive.CreateOptions{}); err != nil {
		log.Fatal(err)
	}

	dst, err := os.MkdirTemp("", "dcar-example-dst")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dst)
	if err := archive.Extract(&arc, dst, archive.ExtractOptions{}); err != nil {
		log.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dst, archive.EntryName(src), "photos", "list.txt"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", got)
	// Output: "kodim01\nkodim02\n"
}

// List an archive from its index, without decoding any content.
func ExampleReadIndex() {
	var buf bytes.Buffer
	w := archive.NewWriter(&buf, archive.WriterOptions{})
	body := "a line of text\n"
	h := &archive.Header{Path: "a.txt", Type: archive.TypeRegular, Mode: 0o600, ModTime: time.Unix(0, 0), Size: int64(len(body))}
	if err := w.WriteEntry(h, strings.NewReader(body)); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	idx, err := archive.ReadIndex(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range idx {
		fmt.Println(e.Header.Path, e.Header.Size, e.Header.Type)
	}
	// Output: a.txt 15 file
}

// Choose a preset, as dcar create --fast or --best: the same entries,
// other codecs (here the text goes to cm-text's lite model with
// PresetFast; a text this small goes to model-text, the text model with
// the network, with the default and PresetBest, a large one to cm-text
// with the default).
func ExampleWriterOptions_preset() {
	body := strings.Repeat("presets trade speed for size, like every archiver's levels.\n", 40)
	for _, p := range []archive.Preset{archive.PresetFast, archive.PresetDefault, archive.PresetBest} {
		var buf bytes.Buffer
		w := archive.NewWriter(&buf, archive.WriterOptions{Preset: p, NoSolid: true})
		h := &archive.Header{Path: "notes.txt", Type: archive.TypeRegular, Mode: 0o644, ModTime: time.Unix(0, 0), Size: int64(len(body))}
		if err := w.WriteEntry(h, strings.NewReader(body)); err != nil {
			log.Fatal(err)
		}
		if err := w.Close(); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s\n", p, archive.CodecName(h.Codec))
	}
	// Output:
	// fast: cm-text
	// default: model-text
	// best: model-text
}

// Extract one path from an archive file: with random access, Extract
// reads the index first and decodes only what that path needs.
func ExampleExtract_somePaths() {
	dir, err := os.MkdirTemp("", "dcar-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	arcPath := filepath.Join(dir, "a.dcar")
	f, err := os.Create(arcPath)
	if err != nil {
		log.Fatal(err)
	}
	w := archive.NewWriter(f, archive.WriterOptions{})
	for _, name := range []string{"big.log", "wanted.txt"} {
		body := strings.Repeat(name+" line\n", 1000)
		h := &archive.Header{Path: name, Type: archive.TypeRegular, Mode: 0o644, ModTime: time.Unix(0, 0), Size: int64(len(body))}
		if err := w.WriteEntry(h, strings.NewReader(body)); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	f.Close()

	arc, err := os.Open(arcPath) // an *os.File: random access
	if err != nil {
		log.Fatal(err)
	}
	defer arc.Close()
	out := filepath.Join(dir, "out")
	if err := archive.Extract(arc, out, archive.ExtractOptions{Only: []string{"wanted.txt"}}); err != nil {
		log.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output: wanted.txt
}

// Cut a tree into a volume set, as dcar create --volume-size does (and
// dcarbeam, one worker per volume): plan it, write each volume, then
// the manifest; open the set by any volume and extract one file, which
// reads only the volumes that hold it.
func ExamplePlanSet() {
	work, err := os.MkdirTemp("", "dcar-example-set")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(work)
	src := filepath.Join(work, "src")
	os.MkdirAll(src, 0o755)
	big := bytes.Repeat([]byte("0123456789abcdef"), 10000) // 160000 bytes: split in 3 pieces
	os.WriteFile(filepath.Join(src, "big.bin"), big, 0o644)
	os.WriteFile(filepath.Join(src, "small.txt"), []byte("small\n"), 0o644)

	plan, err := archive.PlanSet([]string{src}, archive.SetOptions{VolumeSize: 64 << 10, BlockSize: 16 << 10})
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range plan.Volumes {
		for _, e := range v.Entries {
			if h := e.Header; h.IsPiece() {
				fmt.Printf("volume %d: %s bytes [%d, %d) of %d\n", v.Index+1, filepath.Base(h.Path), h.PieceOffset, h.PieceOffset+h.Size, h.FileSize)
			}
		}
	}
	name := filepath.Join(work, "backup.dcar")
	opts := archive.VolumeOptions{WriterOptions: archive.WriterOptions{BlockSize: 16 << 10, NoModel: true}}
	if _, err := archive.CreateSet(name, plan, opts); err != nil {
		log.Fatal(err)
	}
	set, err := archive.OpenSet(name + ".002")
	if err != nil {
		log.Fatal(err)
	}
	only := []string{archive.EntryName(filepath.Join(src, "small.txt"))}
	fmt.Println("volumes:", len(set.Manifest.Volumes), "small.txt is in", set.Manifest.Volumes[set.Needed(only)[0]].Name)
	dst := filepath.Join(work, "dst")
	if err := set.Extract(context.Background(), dst, archive.ExtractOptions{Only: only}); err != nil {
		log.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dst, only[0]))
	fmt.Printf("%q\n", got)
	// Output:
	// volume 1: big.bin bytes [0, 65536) of 160000
	// volume 2: big.bin bytes [65536, 131072) of 160000
	// volume 3: big.bin bytes [131072, 160000) of 160000
	// volumes: 3 small.txt is in backup.dcar.003
	// "small\n"
}
