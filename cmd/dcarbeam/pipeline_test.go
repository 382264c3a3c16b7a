package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/dcar-archiver/dcar/archive"
)

func TestMain(m *testing.M) {
	code := 0
	withPrivateTemp(func() error { code = ptest.MainRet(m); return nil })
	os.Exit(code)
}

// makeTree writes a small tree whose set at 16 KiB volumes has several
// volumes, a file split across three, text, a hard link, a symlink and
// an empty directory.
func makeTree(t *testing.T, dir string) {
	t.Helper()
	big := make([]byte, 40000)
	rand.Read(big)
	files := map[string][]byte{
		"tree/a/big.bin":  big,
		"tree/a/note.txt": []byte(strings.Repeat("a line of text for the model\n", 300)),
		"tree/b/small":    []byte("small\n"),
		"tree/b/more.bin": big[:9000],
	}
	for n, b := range files {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Link(filepath.Join(dir, "tree/b/small"), filepath.Join(dir, "tree/b/small-link")))
	must(os.Symlink("a/note.txt", filepath.Join(dir, "tree/sym")))
	must(os.Mkdir(filepath.Join(dir, "tree/empty"), 0o700))
}

func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			out[rel] = b
		case fi.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[rel] = []byte("-> " + l)
		default:
			out[rel] = []byte(fi.Mode().String())
		}
		return nil
	})
	return out
}

// sameFiles checks that the trees want and got hold the same files
// (files' view) and returns how many.
func sameFiles(t *testing.T, want, got string) int {
	t.Helper()
	w, g := files(t, want), files(t, got)
	if len(w) != len(g) {
		t.Fatalf("%d files in %s, %d in %s", len(w), want, len(g), got)
	}
	for n, b := range w {
		if !bytes.Equal(b, g[n]) {
			t.Errorf("%s: %s differs", got, n)
		}
	}
	return len(w)
}

// setUp makes the test tree in a directory of its own, which it makes
// the working directory for the test (with "local" and "beam" for two
// sets), and plans the tree's set: volumes of 16 KiB.
func setUp(t *testing.T) (string, *archive.SetPlan) {
	dir := t.TempDir()
	makeTree(t, dir)
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })
	plan, err := archive.PlanSet([]string{"tree"}, archive.SetOptions{VolumeSize: 16 << 10, BlockSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir("local", 0o755)
	os.Mkdir("beam", 0o755)
	return dir, plan
}

// TestPipeline runs create, verify and extract on Beam's local runner:
// the set is byte for byte the one the archive package (dcar create
// --volume-size) writes, and extracts to the tree.
func TestPipeline(t *testing.T) {
	dir, plan := setUp(t)
	opts := Options{Level: 3, BlockSize: 4096, Jobs: 1}
	if len(plan.Volumes) < 4 {
		t.Fatalf("%d volumes", len(plan.Volumes))
	}
	wo, err := opts.writer(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := archive.CreateSet("local/set.dcar", plan, archive.VolumeOptions{WriterOptions: wo}); err != nil {
		t.Fatal(err)
	}
	p, err := buildCreate(context.Background(), plan, filepath.Join(dir, "beam", "set.dcar"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	if n := sameFiles(t, "local", "beam"); n != len(plan.Volumes)+2 { // + the manifest and "."
		t.Fatalf("%d files, for %d volumes", n, len(plan.Volumes))
	}

	ctx := context.Background()
	p, err = verifyPipeline(ctx, filepath.Join(dir, "beam", "set.dcar"), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	p, err = extractPipeline(ctx, filepath.Join(dir, "beam", "set.dcar"), filepath.Join(dir, "out"), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "tree", "out/tree")

	// A missing volume fails verification, naming it.
	os.Remove(filepath.Join(dir, "beam", "set.dcar.002"))
	p, err = verifyPipeline(ctx, filepath.Join(dir, "beam", "set.dcar"), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err == nil {
		t.Fatal("a set without its volume 2 verified")
	}
	// ... and extraction restores the entries of the other volumes.
	p, err = extractPipeline(ctx, filepath.Join(dir, "beam", "set.dcar"), filepath.Join(dir, "out2"), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err == nil {
		t.Fatal("a set without its volume 2 extracted without an error")
	}
	restored := 0
	for _, e := range plan.Volumes[len(plan.Volumes)-1].Entries {
		if _, err := os.Lstat(filepath.Join(dir, "out2", e.Header.Path)); err == nil {
			restored++
		}
	}
	if restored == 0 {
		t.Error("nothing of the last volume restored")
	}
}

// TestPipelineDomainModel: a set coded with a referenced domain model on
// Beam is the one the archive package writes; verify and extract need
// the model (without it verification fails) and restore the tree.
func TestPipelineDomainModel(t *testing.T) {
	model, err := filepath.Abs("../../model/domain/testdata/tiny7.dcm")
	if err != nil {
		t.Fatal(err)
	}
	dir, plan := setUp(t)
	opts := Options{Level: 3, BlockSize: 4096, Jobs: 1, Model: model, ModelRef: true}
	ctx := context.Background()
	wo, err := opts.writer(ctx)
	if err != nil || wo.Domain == nil {
		t.Fatalf("the model did not load: %v", err)
	}
	if _, err := archive.CreateSet("local/set.dcar", plan, archive.VolumeOptions{WriterOptions: wo}); err != nil {
		t.Fatal(err)
	}
	set := filepath.Join(dir, "beam", "set.dcar")
	p, err := buildCreate(ctx, plan, set, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "local", "beam")
	if p, err = verifyPipeline(ctx, set, ""); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err == nil {
		t.Error("a set referring to a domain model verified without it")
	}
	if p, err = verifyPipeline(ctx, set, model); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	if p, err = extractPipeline(ctx, set, filepath.Join(dir, "out"), model); err != nil {
		t.Fatal(err)
	}
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "tree", "out/tree")
}
