package archive

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/dcar-archiver/dcar/format"
)

// CreateOptions control Create.
type CreateOptions struct {
	WriterOptions
	Exclude []string // glob patterns (path.Match) tested against each entry path and its base name
	// Verbose, if set, is called with each entry once it is added (its
	// codec planned).
	Verbose func(h *Header)
	// Warn, if set, is told of every file Create leaves out or names
	// differently from how it was given, and Create goes on (tar's
	// habits): a file or directory that cannot be read, a name the format
	// cannot hold (longer than format.MaxPathLen), a second file under a
	// name already archived ("../a.txt" and "a.txt"), a device, socket or
	// pipe, a root whose leading "/" or "../" is dropped. Without Warn,
	// the files left out are errors that stop Create. A file met twice
	// (overlapping arguments, "d d/one.txt") is archived once either way.
	Warn func(Warning)
	// PrimeImages, when no Domain is set and the preset codes flat
	// images with the pixel stage (not PresetFast), has Create first
	// look for the flat PNGs among the files (screenshots, diagrams) and,
	// if they are many, make a primer of the stage from some of them
	// (domain.SelfPrimer), which the archive carries as its domain model:
	// every flat image is then coded over what they hold.
	PrimeImages bool
}

// A Warning is something Create did not do as asked, and went on.
type Warning struct {
	Path string // the file as given or found on disk
	// Skipped says the archive lacks a file it was asked for (dcar exits
	// with status 1, as tar does); otherwise the warning is informational.
	Skipped bool
	Err     error
}

func (w Warning) Error() string { return w.Path + ": " + w.Err.Error() }

// Plan lists what Create will archive: walks the roots, applies the
// excludes, and returns the total content size (for progress bars).
func Plan(roots []string, excludes []string) (files int, bytes int64, err error) {
	seen := map[string]bool{}
	err = walk(roots, excludes, nil, func(_ string, name string, fi fs.FileInfo) error {
		if fi.Mode().IsRegular() && !seen[name] {
			seen[name] = true
			files++
			bytes += fi.Size()
		}
		return nil
	})
	return
}

// Create archives the trees under roots into w. Entry names are the paths
// as given, made relative and cleaned (like tar: "dir/" becomes "dir",
// "/abs/x" becomes "abs/x", leading "../" elements are dropped).
func Create(w io.Writer, roots []string, opts CreateOptions) error {
	if opts.PrimeImages && opts.Domain == nil && !opts.NoModel && opts.Preset != PresetFast {
		d, err := selfPrimer(roots, opts.Exclude)
		if err != nil {
			return err
		}
		opts.Domain = d
	}
	aw := NewWriter(w, opts.WriterOptions)
	err := walkEntries(roots, opts.Exclude, opts.Warn, func(osPath string, fi fs.FileInfo, h *Header, f *os.File) error {
		var r io.Reader
		if f != nil {
			r = f
		}
		if err := aw.WriteEntry(h, r); err != nil {
			return err
		}
		if f != nil {
			if testAfterRead != nil {
				testAfterRead(osPath)
			}
			// Same size is not enough: an in-place edit while the file
			// was read would leave content matching neither version.
			if err := stampOf(fi).check(f); err != nil {
				return fmt.Errorf("%s: %w (%v)", osPath, ErrFileChanged, err)
			}
		}
		if opts.Verbose != nil {
			opts.Verbose(h)
		}
		return nil
	})
	if err != nil {
		aw.Abort(err)
		return err
	}
	return aw.Close()
}

// walkEntries lists the entries Create archives, in its order: it walks
// the roots and calls fn with each file's OS path, its Lstat result, its
// header (a second name of a file already archived is a hard link to
// the first) and, for a regular file, the file opened for reading (closed
// after fn). Names the format cannot hold, a second file under one name
// and files that cannot be opened are errors, or with warn warnings.
func walkEntries(roots, excludes []string, warn func(Warning), fn func(osPath string, fi fs.FileInfo, h *Header, f *os.File) error) error {
	links := map[fileID]string{}
	written := map[string]fileID{} // entry names so far, and their files
	return walk(roots, excludes, warn, func(osPath, name string, fi fs.FileInfo) error {
		if len(name) > format.MaxPathLen {
			err := fmt.Errorf("%w: name of %d bytes, the format holds %d", format.ErrLimit, len(name), format.MaxPathLen)
			if warn == nil {
				return fmt.Errorf("%s: %w", osPath, err)
			}
			warn(Warning{osPath, true, err})
			return nil
		}
		id, _ := fileIDOf(fi)
		if first, dup := written[name]; dup {
			// Overlapping arguments ("d d/one.txt") meet a file twice;
			// different files can also map to one name ("../a.txt" and
			// "a.txt"): the first stays, and the second is missing.
			// The same file again is left out without a word.
			if first != id || id == (fileID{}) {
				err := fmt.Errorf("a different file was already archived as %q", name)
				if warn == nil {
					return fmt.Errorf("%s: %w", osPath, err)
				}
				warn(Warning{osPath, true, err})
			}
			return nil
		}
		written[name] = id
		h, err := headerFor(osPath, name, fi)
		if err != nil {
			return err
		}
		linked := h.Type == format.TypeRegular && id != (fileID{}) && linkCount(fi) > 1
		if first, seen := links[id]; linked && seen {
			h.Type, h.Link, h.Size = format.TypeHardlink, first, 0
		}
		var f *os.File
		if h.Type == format.TypeRegular {
			if f, err = os.Open(osPath); err != nil {
				if warn == nil {
					return err
				}
				warn(Warning{osPath, true, err})
				return nil
			}
			defer f.Close()
		}
		if err := fn(osPath, fi, h, f); err != nil {
			return err
		}
		if linked && h.Type == format.TypeRegular {
			links[id] = name // later links to the file name this entry
		}
		return nil
	})
}

// countingReader reports the bytes read through it so far.
type countingReader struct {
	r io.Reader
	n *int64
	f func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	c.f(*c.n)
	return n, err
}

// droppedPrefix returns the leading "/" or "../" elements that EntryName
// drops from p, or "" when it drops none.
func droppedPrefix(p string) string {
	c := path.Clean(filepath.ToSlash(p))
	if c != ".." && !strings.HasPrefix(c, "/") && !strings.HasPrefix(c, "../") {
		return ""
	}
	return c[:len(c)-len(EntryName(p))]
}

// EntryName turns a path given on the command line into an entry path.
func EntryName(p string) string {
	p = filepath.ToSlash(p)
	p = path.Clean("/" + p)[1:] // drops leading "/", "." and ".." elements
	return p
}

// walk visits every root in order and, below directories, every entry in
// lexical order (filepath.Walk's order), calling fn with the OS path, the
// entry name and the Lstat result. Symlinks are archived, not followed.
func walk(roots []string, excludes []string, warn func(Warning), fn func(osPath, name string, fi fs.FileInfo) error) error {
	told := map[string]bool{} // dropped prefixes reported, once each as tar does
	for _, root := range roots {
		base := EntryName(root)
		if lead := droppedPrefix(root); lead != "" && warn != nil && !told[lead] {
			told[lead] = true
			warn(Warning{root, false, fmt.Errorf("leading %q dropped from entry names", lead)})
		}
		err := filepath.Walk(root, func(p string, fi fs.FileInfo, err error) error {
			if err != nil {
				if warn == nil {
					return err
				}
				// A file or directory that cannot be read (permissions, a
				// path the system cannot reach): left out, said, and the
				// walk goes on, as tar does.
				warn(Warning{p, true, err})
				if fi != nil && fi.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			rel, rerr := filepath.Rel(root, p)
			if rerr != nil {
				return rerr
			}
			name := base
			if rel != "." {
				name = path.Join(base, filepath.ToSlash(rel))
			}
			if name == "" { // root "." or "/": its children are the entries
				return nil
			}
			if excluded(name, excludes) {
				if fi.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			switch {
			case fi.Mode().IsRegular(), fi.IsDir(), fi.Mode()&fs.ModeSymlink != 0:
			default:
				// Devices, sockets and pipes are not archived, like a
				// backup of files; say so rather than fail silently.
				if warn != nil {
					warn(Warning{p, false, fmt.Errorf("%s not archived", fi.Mode().Type())})
				}
				return nil
			}
			return fn(p, name, fi)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func excluded(name string, patterns []string) bool {
	for _, pat := range patterns {
		pat = strings.TrimSuffix(pat, "/")
		if ok, _ := path.Match(pat, name); ok {
			return true
		}
		if ok, _ := path.Match(pat, path.Base(name)); ok {
			return true
		}
	}
	return false
}

func headerFor(osPath, name string, fi fs.FileInfo) (*format.Header, error) {
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		t, err := os.Readlink(osPath)
		if err != nil {
			return nil, err
		}
		link = t
	}
	h, err := FileInfoHeader(fi, name, link)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", osPath, err)
	}
	return h, nil
}

// FileInfoHeader returns the Header of the file fi describes, to be
// archived under name (relative, slash-separated and clean: see
// EntryName and format.ValidPath), as Create makes it: type, permission
// bits with setuid, setgid and sticky, modification time, size, owner
// ids and names. For a symlink, link is its target (os.Readlink);
// otherwise it is ignored. Hard links, which name an earlier entry of
// the archive, are left to the caller (Create detects them).
func FileInfoHeader(fi fs.FileInfo, name, link string) (*Header, error) {
	if !format.ValidPath(name) {
		return nil, fmt.Errorf("%w %q", format.ErrInvalidPath, name)
	}
	h := &format.Header{Path: name, Mode: uint32(fi.Mode().Perm()), ModTime: fi.ModTime()}
	m := fi.Mode()
	if m&fs.ModeSetuid != 0 {
		h.Mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		h.Mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		h.Mode |= 0o1000
	}
	switch {
	case m.IsRegular():
		h.Type, h.Size = format.TypeRegular, fi.Size()
		if h.Size > format.MaxFileSize {
			return nil, fmt.Errorf("%w: file of %d bytes", format.ErrLimit, h.Size)
		}
	case m.IsDir():
		h.Type = format.TypeDir
	case m&fs.ModeSymlink != 0:
		h.Type, h.Link = format.TypeSymlink, link
		if link == "" || len(link) > format.MaxPathLen {
			return nil, fmt.Errorf("%w: symlink target of %d bytes", format.ErrLimit, len(link))
		}
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		h.UID, h.GID = uint64(st.Uid), uint64(st.Gid)
		h.Uname, h.Gname = ownerNames.user(st.Uid), ownerNames.group(st.Gid)
	}
	return h, nil
}

// testAfterRead, set by tests, runs between reading a file and checking
// that it did not change meanwhile.
var testAfterRead func(osPath string)

// stamp is what tells that a file changed: size, modification time
// and (where the system has one) status change time.
type stamp struct {
	Size  int64
	MTime int64 // nanoseconds since 1970
	CTime int64 // nanoseconds since 1970; 0 where unknown
}

func stampOf(fi fs.FileInfo) stamp {
	s := stamp{Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.CTime = st.Ctim.Nano()
	}
	return s
}

// check returns an error saying what differs between the stamp s of a
// file, taken before reading it, and the file f now: size, modification
// time or status change time.
func (s stamp) check(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	now := stampOf(fi)
	switch {
	case s.Size != now.Size:
		return fmt.Errorf("size %d, then %d", s.Size, now.Size)
	case s.MTime != now.MTime:
		return fmt.Errorf("modified at %v while being read", fi.ModTime())
	case s.CTime != 0 && now.CTime != 0 && s.CTime != now.CTime:
		return errors.New("status changed while being read")
	}
	return nil
}

type fileID struct{ dev, ino uint64 }

func fileIDOf(fi fs.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{uint64(st.Dev), uint64(st.Ino)}, true
}

func linkCount(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

// idNames caches uid/gid to name lookups.
// ownerNames caches the user and group names of ids.
var ownerNames idNames

type idNames struct {
	mu     sync.Mutex
	users  map[uint32]string
	groups map[uint32]string
}

func (c *idNames) user(id uint32) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.users[id]; ok {
		return n
	}
	if c.users == nil {
		c.users = map[uint32]string{}
	}
	n := ""
	if u, err := user.LookupId(strconv.Itoa(int(id))); err == nil && len(u.Username) <= format.MaxNameLen {
		n = u.Username
	}
	c.users[id] = n
	return n
}

func (c *idNames) group(id uint32) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.groups[id]; ok {
		return n
	}
	if c.groups == nil {
		c.groups = map[uint32]string{}
	}
	n := ""
	if g, err := user.LookupGroupId(strconv.Itoa(int(id))); err == nil && len(g.Name) <= format.MaxNameLen {
		n = g.Name
	}
	c.groups[id] = n
	return n
}
