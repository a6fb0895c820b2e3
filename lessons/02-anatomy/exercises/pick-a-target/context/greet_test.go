package main

import "testing"

// These run during `docker build --target test`: a failing test stops that build.
func TestGreeting(t *testing.T) {
	cases := map[string]string{
		"Stagecraft": "Hello, Stagecraft!",
		"  Ada  ":    "Hello, Ada!",
		"":           "Hello, stranger!",
	}
	for in, want := range cases {
		if got := Greeting(in); got != want {
			t.Errorf("Greeting(%q) = %q, want %q", in, got, want)
		}
	}
}
