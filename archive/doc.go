// Package archive writes and reads dcar archives, as the dcar command
// does: a Writer streams entries out, sniffing each file's content and
// coding it with the codec its planners choose (package archive/codec:
// images and text through dcar's models, other data through context
// mixing or zstd); a Reader streams them back, decoding blocks in
// parallel and checking every checksum. Importing this package is enough
// to write and read every codec.
//
// The zero WriterOptions write exactly what `dcar create` writes by
// default: the same files give the same archive bytes, whatever the
// number of jobs. Identical files are stored once, and small text files
// are coded together in solid groups, written when a group is full: so
// a Reader may deliver such files after entries that were given to the
// Writer after them (NoSolid keeps every file on its own, in order). Create and Extract archive and restore directory
// trees (with tar's habits: relative names, symlinks kept, hard links
// detected, nothing written outside the target directory); Verify
// decodes everything and reports damage; ReadIndex, ScanIndex and
// BlockCodecs inspect an archive without decoding its content.
//
// Volume sets (spec section 15) cut what Create would archive into
// volumes of a bounded content size, each a complete archive: PlanSet
// plans the set (deterministically), WriteVolume writes one volume
// (anywhere: dcarbeam runs it on Apache Beam workers), CreateSet writes
// them all and the manifest; OpenSet opens a set by its manifest or any
// volume, to list, verify or extract it, reading only the volumes
// needed and going on past a missing or damaged one.
//
// Errors wrap sentinels (format.ErrCorrupt, format.ErrChecksum,
// ErrFileChanged, ...) for errors.Is, and a *format.Error names the
// entry and byte offset at fault.
//
// The container format is specified in spec/FORMAT.md. Files: writer.go
// (Writer, entry planning), solid.go (solid groups), reader.go (Reader), create.go (Create,
// FileInfoHeader), extract.go (Extract), inspect.go (Verify, index and
// block inspection), header.go (the entry header and its types),
// volume.go (PlanSet, WriteVolume), set.go (CreateSet, OpenSet and the
// Set's reading).
package archive
