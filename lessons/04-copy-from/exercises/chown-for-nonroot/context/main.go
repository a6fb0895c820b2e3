// Command guestbook keeps a guest book in a data folder.
//
//	guestbook init DIR   create DIR/guestbook.txt with a header (run once, in the builder)
//	guestbook sign DIR   add an entry for the current user, record the time of the last visit
//
// `sign` needs to write to the file (to append) and to the folder (to create last-visit), so it
// shows at once whether the user running it owns what the builder prepared.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) != 3 || (os.Args[1] != "init" && os.Args[1] != "sign") {
		fmt.Fprintln(os.Stderr, "usage: guestbook init|sign DIR")
		os.Exit(2)
	}
	dir := os.Args[2]
	var err error
	if os.Args[1] == "init" {
		err = initBook(dir)
	} else {
		err = sign(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "guestbook:", err)
		os.Exit(1)
	}
}

func initBook(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	header := "# Stagecraft guest book: one line per visit\n"
	return os.WriteFile(filepath.Join(dir, "guestbook.txt"), []byte(header), 0o644)
}

func sign(dir string) error {
	uid := os.Getuid()
	book := filepath.Join(dir, "guestbook.txt")

	f, err := os.OpenFile(book, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return explain(err, book, uid)
	}
	entry := fmt.Sprintf("signed by uid %d at %s\n", uid, time.Now().UTC().Format(time.RFC3339))
	if _, err := f.WriteString(entry); err != nil {
		f.Close()
		return explain(err, book, uid)
	}
	if err := f.Close(); err != nil {
		return explain(err, book, uid)
	}

	// A new file: this needs write permission on the folder itself, not only on guestbook.txt.
	last := filepath.Join(dir, "last-visit")
	if err := os.WriteFile(last, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644); err != nil {
		return explain(err, last, uid)
	}

	n, err := countEntries(book)
	if err != nil {
		return err
	}
	fmt.Printf("signed the guest book as uid %d: entry %d in %s\n", uid, n, book)
	return nil
}

func countEntries(book string) (int, error) {
	f, err := os.Open(book)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if line := scanner.Text(); line != "" && !strings.HasPrefix(line, "#") {
			n++
		}
	}
	return n, scanner.Err()
}

// explain turns "permission denied" into a sentence that names the owner, which is the whole
// lesson: the file exists, it just belongs to somebody else.
func explain(err error, path string, uid int) error {
	if !errors.Is(err, fs.ErrPermission) {
		return err
	}
	// Creating last-visit is refused by its folder, not by a file that does not exist yet.
	target := path
	if filepath.Base(path) == "last-visit" {
		target = filepath.Dir(path)
	}
	if info, statErr := os.Stat(target); statErr == nil {
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			return fmt.Errorf("cannot write %s: permission denied (%s belongs to uid %d, this process runs as uid %d)", path, target, st.Uid, uid)
		}
	}
	return fmt.Errorf("cannot write %s: permission denied (running as uid %d)", path, uid)
}
