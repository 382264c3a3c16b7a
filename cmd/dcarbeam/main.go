// Command dcarbeam creates, verifies and extracts dcar volume sets on
// Apache Beam: one worker codes (or checks, or extracts) each volume, so
// a set codes as fast as the runner has workers. It writes exactly the
// bytes `dcar create --volume-size` writes for the same tree and
// options (spec/FORMAT.md section 15), on Beam's local runner (prism,
// the default, or direct) as on Dataflow, Flink or Spark.
//
//	dcarbeam create --volume_size 100M --out DIR/backup.dcar [--fast] [--files_from LIST] PATH...
//	dcarbeam verify --set DIR/backup.dcar
//	dcarbeam extract --set DIR/backup.dcar --directory OUT
//
// Beam's own flags (--runner, --endpoint, --project, --region,
// --temp_location, --environment_type, ...) go beside these. The launcher
// walks the input tree to plan the set (so the tree must be readable
// where it runs, and where the workers run: a shared file system);
// the plan of each volume goes to OUT.NNN.plan for its worker (a large
// tree's plan does not fit in a pipeline graph), and the volumes and the
// manifest are written through Beam's file systems (local and gs:// are
// linked in). The manifest is written last, once every volume is, and
// the plan files are then removed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/dcar-archiver/dcar/archive"
)

var (
	volumeSize = flag.String("volume_size", "", "create: content bytes per volume, with a K, M or G suffix (binary: 1M = 1048576); coded volumes come out at or below it plus a little framing")
	out        = flag.String("out", "", "create: the set's manifest path; volumes are OUT.001, OUT.002, ...")
	setPath    = flag.String("set", "", "verify, extract: the set's manifest")
	directory  = flag.String("directory", "", "extract: the directory to extract into (shared by all workers)")
	filesFrom  = flag.String("files_from", "", "create: a file (on any Beam file system) listing the PATHs to archive, one per line, in order (beside or instead of PATH arguments)")
	exclude    = flag.String("exclude", "", "create: comma-separated GLOBs of entries to skip")
	fast       = flag.Bool("fast", false, "create: the fast preset (dcar create --fast)")
	best       = flag.Bool("best", false, "create: the best preset (dcar create --best)")
	zstdOnly   = flag.Bool("zstd_only", false, "create: every file with zstd (dcar create --zstd-only)")
	level      = flag.Int("zstd_level", 3, "create: zstd level (dcar create --zstd-level)")
	blockSize  = flag.Int("block_size", archive.DefaultBlockSize, "create: raw bytes per block (dcar create --block-size)")
	noDedup    = flag.Bool("no_dedup", false, "create: dcar create --no-dedup")
	noSolid    = flag.Bool("no_solid", false, "create: dcar create --no-solid")
	jobs       = flag.Int("jobs", 1, "block coders per worker (the bytes are the same for any value)")
	modelPath  = flag.String("model", "", "create: code with this domain model (.dcm, from dcar train; any Beam file system), which every volume carries, or with --model_ref refers to; verify, extract: the model a set made with --model_ref needs")
	modelRef   = flag.Bool("model_ref", false, "create: with --model, the volumes hold only the model's fingerprint (dcar create --model-ref)")
	branches   = flag.Int("branches", 8, "independent branches the volumes are dealt to (Beam's local runners run a stage's elements on one thread, and the branches in parallel); the bytes are the same for any value")
)

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  dcarbeam create --volume_size SIZE --out DIR/NAME.dcar [create flags] [beam flags] PATH...
  dcarbeam verify --set DIR/NAME.dcar [beam flags]
  dcarbeam extract --set DIR/NAME.dcar --directory DIR [beam flags]

flags:`)
	flag.PrintDefaults()
}

func main() {
	flag.Usage = usage
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		usage()
		os.Exit(2)
	}
	cmd := os.Args[1]
	if err := flag.CommandLine.Parse(os.Args[2:]); err != nil {
		os.Exit(2)
	}
	beam.Init()
	ctx := context.Background()
	var p *beam.Pipeline
	var err error
	switch cmd {
	case "create":
		p, err = createPipeline(ctx, flag.Args())
	case "verify":
		p, err = verifyPipeline(ctx, *setPath, *modelPath)
	case "extract":
		p, err = extractPipeline(ctx, *setPath, *directory, *modelPath)
	default:
		err = usageError(fmt.Sprintf("unknown command %q (create, verify or extract)", cmd))
	}
	if err == nil {
		err = withPrivateTemp(func() error { return beamx.Run(ctx, p) })
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dcarbeam:", strings.TrimPrefix(err.Error(), "dcar: "))
		if _, ok := err.(usageError); ok {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// withPrivateTemp runs f with TMPDIR set to a directory of its own,
// removed afterwards: Beam's runner in loopback mode leaves an empty
// "beamloopbackworker-*" file in the temporary directory on every run
// (runnerlib.Execute, Beam 2.78), which would pile up in /tmp.
func withPrivateTemp(f func() error) error {
	dir, err := os.MkdirTemp("", "dcarbeam-")
	if err != nil {
		return f()
	}
	defer os.RemoveAll(dir)
	old, had := os.LookupEnv("TMPDIR")
	os.Setenv("TMPDIR", dir)
	defer func() {
		if had {
			os.Setenv("TMPDIR", old)
		} else {
			os.Unsetenv("TMPDIR")
		}
	}()
	return f()
}

type usageError string

func (e usageError) Error() string { return string(e) }
