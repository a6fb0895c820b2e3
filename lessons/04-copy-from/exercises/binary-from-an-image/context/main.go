// Command quotes is a small JSON API: GET /quote returns a quote, GET /health says the service is
// alive. It logs requests to standard output, since a distroless container offers no shell
// to go and look inside.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"sync/atomic"
)

var quotes = []string{
	"Build with everything, ship with nothing extra.",
	"The final stage is the only one that ships.",
	"Copy exact paths, not whole folders.",
	"Run as somebody who is not root.",
}

func main() {
	addr := ":" + envOr("PORT", "8080")
	var served atomic.Uint64

	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/quote", func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"quote": quotes[int(n-1)%len(quotes)], "served": n})
	})

	log.Printf("quotes: listening on %s as uid %d", addr, os.Getuid())
	log.Fatal(http.ListenAndServe(addr, logged(mux)))
}

func logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Health checks arrive every few seconds; logging them would drown the real requests.
		if r.URL.Path != "/health" {
			log.Printf("%s %s from %s", r.Method, r.URL.Path, r.RemoteAddr)
		}
		next.ServeHTTP(w, r)
	})
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
