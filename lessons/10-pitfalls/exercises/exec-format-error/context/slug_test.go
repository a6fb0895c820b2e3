package main

import "testing"

func TestSlug(t *testing.T) {
	cases := map[string]string{
		"Hello, World!":           "hello-world",
		"  Multi-Arch   Images  ": "multi-arch-images",
		"Déjà vu: 2 cafés":        "déjà-vu-2-cafés",
		"---":                     "",
	}
	for in, want := range cases {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}
