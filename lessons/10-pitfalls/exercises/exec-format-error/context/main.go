// slugify turns titles into URL slugs: `slugify "Hello, World!"` prints "hello-world". It also says
// which platform the binary was compiled for, which is the first thing to look at when an image
// refuses to start with "exec format error".
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"unicode"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: slugify TITLE...")
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	fmt.Printf("slugify 1.0 for %s/%s\n", runtime.GOOS, runtime.GOARCH)
	for _, title := range flag.Args() {
		fmt.Println(slug(title))
	}
}

// slug keeps letters and digits (lower-cased) and joins the runs between them with one dash.
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
