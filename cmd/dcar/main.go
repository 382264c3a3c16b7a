package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
	"github.com/urfave/cli/v2"
)

// Exit codes.
const (
	exitOK      = 0
	exitError   = 1 // I/O errors, changed input files, refused overwrites; create: files left out
	exitUsage   = 2 // bad command line
	exitDamaged = 3 // the archive is damaged, truncated or not a dcar archive
)

const exitHelp = `EXIT CODES:
   0  success
   1  error: I/O, changed input file, refused overwrite, unknown codec or model;
      create: files left out (unreadable, or a second file under one name), named on stderr
   2  usage error
   3  the archive is damaged, truncated or not a dcar archive (verify found damage);
      of a volume set: a volume is missing or damaged (named on stderr)
 130  interrupted (extract removes the file it was writing; create leaves no archive)
`

func main() {
	if os.Getenv("GOGC") == "" {
		// The context-mixing models are a few hundred MB of tables each,
		// one per block being coded; with the default GOGC of 100 the
		// heap grows to twice what is live before the last block's tables
		// are collected (peak RSS 2.9 GB instead of 1.7 GB on the
		// README's combined archive). The tables hold no pointers, so
		// collecting more often costs little.
		debug.SetGCPercent(25)
	}
	os.Exit(run(os.Args))
}

func run(args []string) int {
	app := newApp()
	err := app.Run(permuteArgs(app, args))
	if err == nil {
		return exitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "dcar:", trimPrefix(msg))
		}
		return ec.ExitCode()
	}
	fmt.Fprintln(os.Stderr, "dcar:", trimPrefix(err.Error()))
	return exitCode(err)
}

// trimPrefix drops the "dcar: " prefixes of wrapped sentinel errors; the
// CLI prints one of its own.
func trimPrefix(s string) string {
	s = strings.ReplaceAll(s, ": dcar: ", ": ")
	for strings.HasPrefix(s, "dcar: ") {
		s = s[6:]
	}
	return s
}

func exitCode(err error) int {
	for _, e := range []error{format.ErrMagic, format.ErrVersion, format.ErrChecksum, format.ErrTruncated,
		format.ErrCorrupt, format.ErrLimit, format.ErrUnknownTag, format.ErrInvalidPath, codec.ErrParams,
		archive.ErrVolumeMissing, archive.ErrVolumeDamaged, archive.ErrPieceAlone, domain.ErrBadModel} {
		if errors.Is(err, e) {
			return exitDamaged
		}
	}
	if errors.Is(err, errUsage) {
		return exitUsage
	}
	return exitError
}

var errUsage = errors.New("usage")

func usageErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}

func newApp() *cli.App {
	cli.AppHelpTemplate += "\n" + exitHelp
	return &cli.App{
		Name:      "dcar",
		Usage:     "archive directories of images and text, compressed by a learned model",
		UsageText: "dcar create [--volume-size SIZE] ARCHIVE PATH...\n   dcar extract ARCHIVE [PATH...] [-C DIR]\n   dcar list ARCHIVE [-l] [--json]\n   dcar verify ARCHIVE\n\n   ARCHIVE may be - for standard input or output, or a volume set: its\n   manifest ARCHIVE or any of its volumes ARCHIVE.001, ARCHIVE.002, ...",
		Version:   version,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return cli.Exit(err.Error(), exitUsage)
		},
		ExitErrHandler: func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErr("unknown command %q (try dcar --help)", c.Args().First())
			}
			// No command: the usage, and the usage exit status (as tar).
			cli.ShowAppHelp(c)
			return cli.Exit("", exitUsage)
		},
		Commands: commands(),
	}
}

func commands() []*cli.Command {
	cmds := []*cli.Command{createCommand(), extractCommand(), listCommand(), verifyCommand(), benchCommand(), trainCommand()}
	for _, c := range cmds {
		// An unknown or malformed flag is a usage error (exit 2), as
		// for the app's own flags.
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return cli.Exit(err.Error(), exitUsage)
		}
	}
	return cmds
}

// version names the release and the newest archive format it writes
// (it reads every earlier one).
var version = fmt.Sprintf("0.1.0 (archive format %d)", format.Version)
