// Command fakesheets runs the fake Google Sheets API and OAuth token server
// (sync/sheetsfake) in its own process, so the real perechen binary can be
// measured against it (make measure, scripts/measure-daemon.sh).
//
// It loads the embedded sample registry, writes the service-account key
// whose token_uri points at the fake to -credentials, and prints one line
// of JSON on stdout: {"endpoint": …, "spreadsheet_id": …, "sheet": …,
// "control": …}. The control server (loopback) accepts
//
//	POST /cell?row=R&col=C&value=V   set a cell's value (0-based row/col)
//	GET  /cell?row=R&col=C           {"value": …, "note": …}
//	GET  /counts                     requests served per method
//
// It runs until SIGINT/SIGTERM or until stdin closes.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

func main() {
	creds := flag.String("credentials", "fake-credentials.json", "where to write the service-account key")
	control := flag.String("control", "127.0.0.1:0", "listen address of the control server")
	flag.Parse()
	if err := run(*creds, *control); err != nil {
		fmt.Fprintln(os.Stderr, "fakesheets:", err)
		os.Exit(1)
	}
}

func run(credsPath, controlAddr string) error {
	fake := sheetsfake.New(nil)
	defer fake.Close()
	g := rules.SampleGrid()
	fake.LoadGrid(g)
	if err := os.WriteFile(credsPath, fake.CredentialsJSON(), 0o600); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", controlAddr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: controlHandler(fake, g.Sheet), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	if err := json.NewEncoder(os.Stdout).Encode(map[string]string{
		"endpoint": fake.URL, "spreadsheet_id": fake.ID, "sheet": g.Sheet, "control": "http://" + ln.Addr().String(),
	}); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stdinClosed := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(stdinClosed) }()
	select {
	case <-ctx.Done():
	case <-stdinClosed:
	}
	return nil
}

func controlHandler(fake *sheetsfake.Fake, sheet string) http.Handler {
	mux := http.NewServeMux()
	cell := func(w http.ResponseWriter, r *http.Request) (row, col int, ok bool) {
		row, err1 := strconv.Atoi(r.URL.Query().Get("row"))
		col, err2 := strconv.Atoi(r.URL.Query().Get("col"))
		if err1 != nil || err2 != nil || row < 0 || col < 0 {
			http.Error(w, "row and col must be non-negative integers", http.StatusBadRequest)
			return 0, 0, false
		}
		return row, col, true
	}
	mux.HandleFunc("POST /cell", func(w http.ResponseWriter, r *http.Request) {
		if row, col, ok := cell(w, r); ok {
			fake.SetValue(sheet, row, col, r.URL.Query().Get("value"))
			w.WriteHeader(http.StatusNoContent)
		}
	})
	mux.HandleFunc("GET /cell", func(w http.ResponseWriter, r *http.Request) {
		if row, col, ok := cell(w, r); ok {
			writeJSON(w, map[string]string{"value": fake.Value(sheet, row, col), "note": fake.Note(sheet, row, col)})
		}
	})
	mux.HandleFunc("GET /counts", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, fake.Counts()) })
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
