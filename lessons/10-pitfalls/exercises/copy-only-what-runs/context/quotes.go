package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

//go:generate go run ./internal/fixture -o testdata/large.txt -n 100000

// Quote is one saying and who said it.
type Quote struct {
	Text   string `json:"text"`
	Author string `json:"author"`
}

// Parse reads lines of the form `text | author`. Blank lines and lines starting with # are skipped.
func Parse(r io.Reader) ([]Quote, error) {
	var quotes []Quote
	scanner := bufio.NewScanner(r)
	for line := 1; scanner.Scan(); line++ {
		text := strings.TrimSpace(scanner.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		saying, author, ok := strings.Cut(text, "|")
		if !ok {
			return nil, fmt.Errorf("line %d: want `text | author`, got %q", line, text)
		}
		quotes = append(quotes, Quote{Text: strings.TrimSpace(saying), Author: strings.TrimSpace(author)})
	}
	return quotes, scanner.Err()
}

// LoadFile parses a quotes file and refuses an empty one: the service has nothing to serve then.
func LoadFile(path string) ([]Quote, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	quotes, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(quotes) == 0 {
		return nil, fmt.Errorf("%s: no quotes", path)
	}
	return quotes, nil
}
