// Command siteserver serves the static site in SITE_DIR (default /site) and answers /health.
// When the browser accepts gzip and a precompressed "<file>.gz" sits next to a file, it sends
// that instead: the compression happened once, at build time, in another stage.
package main

import (
	"log"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

func main() {
	dir := envOr("SITE_DIR", "/site")
	addr := ":" + envOr("PORT", "8080")

	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		// Say so at start-up rather than answering 404 to every request.
		log.Printf("warning: no index.html in %s (%v); did the site get copied into the image?", dir, err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("/", precompressed(dir, http.FileServer(http.Dir(dir))))

	log.Printf("siteserver: serving %s on %s", dir, addr)
	log.Fatal(http.ListenAndServe(addr, mux))
}

// precompressed serves "<path>.gz" with Content-Encoding: gzip when the client accepts it.
func precompressed(dir string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean(r.URL.Path)
		if strings.HasSuffix(name, "/") || name == "." || name == "/" {
			name = path.Join(name, "index.html")
		}
		gz := filepath.Join(dir, filepath.FromSlash(name)) + ".gz"
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			if f, err := os.Open(gz); err == nil {
				defer f.Close()
				if ctype := mime.TypeByExtension(path.Ext(name)); ctype != "" {
					w.Header().Set("Content-Type", ctype)
				}
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Vary", "Accept-Encoding")
				if info, err := f.Stat(); err == nil {
					http.ServeContent(w, r, name, info.ModTime(), f)
					return
				}
			}
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
