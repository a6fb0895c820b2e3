// Command weather is a small HTTP service that would call a paid forecast API with a token. It
// shows three things a hardened image must get right:
//
//   - the token arrives at run time (the API_TOKEN variable, or a file mounted at
//     /run/secrets/api_token), and the service still starts without one, reporting it on /health;
//   - it writes its cache to CACHE_DIR, so a read-only image can point that at a tmpfs;
//   - `weather -healthcheck` probes /health itself, so a HEALTHCHECK works in an image with no shell.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Where the token file is mounted by `docker run --mount`, Compose secrets or a Kubernetes secret.
const defaultTokenFile = "/run/secrets/api_token"

func main() {
	healthcheck := flag.Bool("healthcheck", false, "probe /health on this container and exit 0 when it answers 200")
	flag.Parse()

	port := envOr("PORT", "8080")
	if *healthcheck {
		os.Exit(probe(port))
	}

	cacheDir := envOr("CACHE_DIR", "/app/cache")
	if err := warmCache(cacheDir); err != nil {
		// A read-only root filesystem ends up here unless CACHE_DIR points at a writable tmpfs.
		log.Fatalf("cannot write the forecast cache in %s: %v (set CACHE_DIR to a writable folder, e.g. /tmp/weather)", cacheDir, err)
	}

	token, source := loadToken()
	if token == "" {
		log.Printf("API token not configured: serving cached forecasts only (set API_TOKEN or mount %s)", defaultTokenFile)
	} else {
		log.Printf("API token loaded from %s", source)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		state := "configured"
		if token == "" {
			state = "missing"
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok", "token": state, "cache": cacheDir})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "weather: try /health")
	})

	log.Printf("weather listening on :%s as uid %d", port, os.Getuid())
	log.Fatal(http.ListenAndServe(":"+port, mux))
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// loadToken prefers the environment, then the mounted file. Only its presence is ever logged.
func loadToken() (token, source string) {
	if v := strings.TrimSpace(os.Getenv("API_TOKEN")); v != "" {
		return v, "the API_TOKEN variable"
	}
	file := envOr("API_TOKEN_FILE", defaultTokenFile)
	if data, err := os.ReadFile(file); err == nil {
		return strings.TrimSpace(string(data)), file
	}
	return "", ""
}

func warmCache(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	stamp := []byte(time.Now().UTC().Format(time.RFC3339) + "\n")
	return os.WriteFile(filepath.Join(dir, "started-at"), stamp, 0o600)
}

func probe(port string) int {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/health")
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck: status", resp.StatusCode)
		return 1
	}
	return 0
}
