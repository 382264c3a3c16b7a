package archive

import (
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
	// Progress, if set, is called with the number of content bytes read
	// so far; it must be cheap.
	Progress func(done int64)
	// Verbose, if set, is called with each entry once it is added (its
	// codec planned).
	Verbose func(h *Header)
}

// Plan lists what Create will archive: walks the roots, applies the
// excludes, and returns the total content size (for progress bars).
func Plan(roots []string, excludes []string) (files int, bytes int64, err error) {
	err = walk(roots, excludes, func(_ string, name string, fi fs.FileInfo) error {
		if fi.Mode().IsRegular() {
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
	aw := NewWriter(w, opts.WriterOptions)
	links := map[fileID]string{}
	var done int64
	err := walk(roots, opts.Exclude, func(osPath, name string, fi fs.FileInfo) error {
		h, err := headerFor(osPath, name, fi)
		if err != nil {
			return err
		}
		var r io.Reader
		if h.Type == format.TypeRegular {
			if id, ok := fileIDOf(fi); ok && linkCount(fi) > 1 {
				if first, seen := links[id]; seen {
					h.Type, h.Link, h.Size = format.TypeHardlink, first, 0
				} else {
					links[id] = name
				}
			}
		}
		if h.Type == format.TypeRegular {
			f, err := os.Open(osPath)
			if err != nil {
				return err
			}
			defer f.Close()
			r = f
			if opts.Progress != nil {
				r = &countingFile{f, countingReader{r: f, n: &done, f: opts.Progress}}
			}
		}
		if err := aw.WriteEntry(h, r); err != nil {
			return err
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

// countingReader reports the bytes read through it so far.
type countingReader struct {
	r io.Reader
	n *int64
	f func(int64)
}

// countingFile counts a file's Reads; the Writer's planning reads through
// ReadAt and Seek, which go to the file uncounted.
type countingFile struct {
	*os.File
	c countingReader
}

func (c *countingFile) Read(p []byte) (int, error) { return c.c.Read(p) }

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	c.f(*c.n)
	return n, err
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
func walk(roots []string, excludes []string, fn func(osPath, name string, fi fs.FileInfo) error) error {
	for _, root := range roots {
		base := EntryName(root)
		err := filepath.Walk(root, func(p string, fi fs.FileInfo, err error) error {
			if err != nil {
				return err
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
				fmt.Fprintf(os.Stderr, "dcar: %s: skipping %s\n", p, fi.Mode().Type())
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
