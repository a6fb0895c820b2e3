package main

import (
	"strings"
	"testing"
)

func TestParseSkipsCommentsAndBlankLines(t *testing.T) {
	quotes, err := Parse(strings.NewReader("# header\n\nShip it. | Someone\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(quotes) != 1 || quotes[0].Author != "Someone" {
		t.Fatalf("got %+v", quotes)
	}
}

func TestParseRejectsALineWithoutAuthor(t *testing.T) {
	if _, err := Parse(strings.NewReader("no author here\n")); err == nil {
		t.Fatal("want an error")
	}
}

func TestTheShippedFileLoads(t *testing.T) {
	quotes, err := LoadFile("data/quotes.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(quotes) < 10 {
		t.Fatalf("only %d quotes", len(quotes))
	}
}

func TestSmallFixture(t *testing.T) {
	quotes, err := LoadFile("testdata/small.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(quotes) != 3 {
		t.Fatalf("got %d quotes, want 3", len(quotes))
	}
}

// The large fixture is made by `go generate` (see quotes.go); it keeps the parser honest on a
// realistic file size.
func TestLargeFixture(t *testing.T) {
	quotes, err := LoadFile("testdata/large.txt")
	if err != nil {
		t.Skip("run go generate first:", err)
	}
	if len(quotes) != 100000 {
		t.Fatalf("got %d quotes, want 100000", len(quotes))
	}
}
