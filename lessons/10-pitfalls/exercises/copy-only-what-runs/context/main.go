// quotes serves short sayings about building software: GET /quotes/<n> answers one by number,
// GET /random a random one, GET / the web page in public/, GET /health "ok".
//
// At run time it reads two things from its working directory: data/quotes.txt and public/.
// Everything else in this folder is for building and testing it.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"math/rand"
	"net/http"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", ":8080", "address to listen on")
	dataFile := flag.String("data", "data/quotes.txt", "file with one quote per line")
	publicDir := flag.String("public", "public", "folder served at /")
	flag.Parse()

	quotes, err := LoadFile(*dataFile)
	if err != nil {
		log.Fatalf("cannot start: %v", err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "quotes": len(quotes)})
	})
	mux.HandleFunc("/random", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, quotes[rand.Intn(len(quotes))])
	})
	mux.HandleFunc("/quotes/", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/quotes/"))
		if err != nil || n < 1 || n > len(quotes) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such quote"})
			return
		}
		writeJSON(w, http.StatusOK, quotes[n-1])
	})
	mux.Handle("/", http.FileServer(http.Dir(*publicDir)))

	log.Printf("quotes: %d quotes from %s, listening on %s", len(quotes), *dataFile, *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
