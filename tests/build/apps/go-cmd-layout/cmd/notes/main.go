// notes is a small HTTP note store whose settings come from a JSON file.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"

	"example.com/notes/internal/store"
)

type config struct {
	Listen  string            `json:"listen"`
	Banner  string            `json:"banner"`
	Initial map[string]string `json:"initial"`
}

func main() {
	path := "/etc/notes/config.json"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		log.Fatalf("notes: reading config: %v", err)
	}
	var cfg config
	if err := json.Unmarshal(raw, &cfg); err != nil {
		log.Fatalf("notes: parsing %s: %v", path, err)
	}
	st := store.New()
	for k, v := range cfg.Initial {
		st.Put(k, v)
	}

	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "ok %s\n", cfg.Banner)
	})
	http.HandleFunc("/notes/", func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, "/notes/")
		switch r.Method {
		case http.MethodGet:
			if key == "" {
				fmt.Fprintln(w, strings.Join(st.Keys(), "\n"))
				return
			}
			t, ok := st.Get(key)
			if !ok {
				http.NotFound(w, r)
				return
			}
			fmt.Fprintln(w, t)
		case http.MethodPut:
			b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
			st.Put(key, string(b))
			w.WriteHeader(http.StatusNoContent)
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
	log.Printf("notes listening on %s", cfg.Listen)
	log.Fatal(http.ListenAndServe(cfg.Listen, nil))
}
