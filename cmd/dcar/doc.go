// Command dcar is a tar-like archiver for mixed image and text data: the
// command line of package archive. Its commands are create, extract,
// list, verify, bench and train; errors go to stderr prefixed "dcar: " (the
// "dcar: " of wrapped format errors is dropped), and the exit code says
// whether the archive was damaged (3), the command line wrong (2) or
// something else failed (1).
//
// # Files
//
//	doc.go       this overview
//	main.go      main, the app and its help, exit codes, error printing, usage errors
//	args.go      permuteArgs: subcommand flags accepted after positional arguments, as tar does
//	commands.go  create, extract, list and verify, and their shared flags and helpers
//	bench.go     the bench command; the measuring is in internal/bench
//	train.go     the train command: a domain model of sample files (package model/domain)
//	progress.go  the progress bar on stderr (only on a terminal, not with --quiet)
package main
