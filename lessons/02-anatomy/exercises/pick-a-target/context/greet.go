package main

import "strings"

// Greeting is the line greeter prints. It lives apart from main so a test can call it.
func Greeting(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "stranger"
	}
	return "Hello, " + name + "!"
}
