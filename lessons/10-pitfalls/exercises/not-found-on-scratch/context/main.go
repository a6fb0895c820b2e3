// clock is a tiny time service: GET /now answers the current time in a few zones, GET /health
// answers "ok". `clock -version` prints how the binary was built, which is handy when an image
// refuses to start; `clock -probe` calls /health itself, for a HEALTHCHECK on an image with no shell.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"runtime/debug"
	"time"
)

const version = "1.0.0"

func main() {
	addr := flag.String("addr", ":8080", "address to listen on")
	showVersion := flag.Bool("version", false, "print the version and build settings, then exit")
	probe := flag.Bool("probe", false, "call /health on this machine and exit 0 if it answers 200")
	flag.Parse()

	switch {
	case *showVersion:
		fmt.Println(describeBuild())
		return
	case *probe:
		os.Exit(runProbe(*addr))
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("/now", handleNow)

	log.Printf("clock %s listening on %s", version, *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}

// handleNow answers the current time in UTC and as Unix seconds. Time zones other than UTC would
// need the zone database (tzdata), which a scratch image does not have.
func handleNow(w http.ResponseWriter, _ *http.Request) {
	now := time.Now().UTC()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"utc":  now.Format(time.RFC3339),
		"unix": now.Unix(),
	})
}

// describeBuild reads the settings the Go toolchain recorded in the binary (Go 1.18+).
func describeBuild() string {
	cgo := "unknown"
	goVersion := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		goVersion = info.GoVersion
		for _, s := range info.Settings {
			if s.Key == "CGO_ENABLED" {
				cgo = s.Value
			}
		}
	}
	return fmt.Sprintf("clock %s (%s, CGO_ENABLED=%s)", version, goVersion, cgo)
}

func runProbe(addr string) int {
	client := http.Client{Timeout: 2 * time.Second}
	res, err := client.Get("http://127.0.0.1" + portOf(addr) + "/health")
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "probe: status", res.StatusCode)
		return 1
	}
	return 0
}

// portOf turns ":8080" or "0.0.0.0:8080" into ":8080".
func portOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[i:]
		}
	}
	return ":" + addr
}
