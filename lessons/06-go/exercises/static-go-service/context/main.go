// Command stockroom is a small inventory service: GET /items lists the stock, GET /items/<sku>
// shows one item, GET /health answers health checks.
//
// Run with -probe to check a running instance instead of starting one: it calls /health on
// 127.0.0.1 and exits 0 when the answer is 200. A runtime image without a shell or curl can use it
// as its HEALTHCHECK.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"example.com/statuskit"
	"example.com/stockroom/internal/stock"
)

const version = "1.4.0"

func main() {
	addr := flag.String("addr", ":8080", "address to listen on")
	probe := flag.Bool("probe", false, "check the /health route of a running instance and exit")
	flag.Parse()

	if *probe {
		os.Exit(runProbe(*addr))
	}

	shelf := stock.NewShelf()
	mux := http.NewServeMux()
	mux.Handle("/health", statuskit.Handler("stockroom", version))
	mux.HandleFunc("/items", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, shelf.All())
	})
	mux.HandleFunc("/items/", func(w http.ResponseWriter, r *http.Request) {
		item, ok := shelf.Get(strings.TrimPrefix(r.URL.Path, "/items/"))
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such item"})
			return
		}
		writeJSON(w, http.StatusOK, item)
	})

	// Logs go to standard output: on a runtime with no shell, the log stream is the way in.
	log.SetOutput(os.Stdout)
	log.Printf("stockroom %s listening on %s as uid %d", version, *addr, os.Getuid())
	server := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(server.ListenAndServe())
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// runProbe calls /health on the local instance and returns the process exit code.
func runProbe(addr string) int {
	port := addr[strings.LastIndex(addr, ":")+1:]
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/health")
	if err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "probe: /health answered", resp.Status)
		return 1
	}
	return 0
}
