// Command greeter says hello and reports how it was built and who runs it, so each target of
// the Dockerfile shows in its output which binary it carries and which user started it.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
)

func main() {
	name := flag.String("name", "Stagecraft", "who to greet")
	flag.Parse()

	fmt.Println(Greeting(*name))
	fmt.Printf("built with %s for %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)

	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	fmt.Printf("running %s as uid %d\n", exe, os.Getuid())
}
