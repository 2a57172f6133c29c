// Command fakesheets serves the embedded sample Перечень through a fake
// Google Sheets API on loopback, so the google_sheets source can be tried
// without Google or the internet (docs/google-sheets.md, "Без Google").
//
//	go run ./scripts/fakesheets -dir .run/fake
//
// It writes DIR/credentials.json (a service-account key whose token_uri
// points at the fake) and DIR/config.yaml (a source reading the fake sheet
// and publishing into DIR/site), prints the notes perechen writes, and
// stops on Ctrl+C.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/perechen-oiv/perechen/rules"
	"github.com/perechen-oiv/perechen/sync/sheetsfake"
)

func main() {
	dir := flag.String("dir", ".run/fake", "folder for credentials.json, config.yaml, state and site")
	listen := flag.String("status", "127.0.0.1:9188", "status page address written into config.yaml")
	flag.Parse()
	if err := run(*dir, *listen); err != nil {
		fmt.Fprintln(os.Stderr, "fakesheets:", err)
		os.Exit(2)
	}
}

func run(dir, listen string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return err
	}
	fake := sheetsfake.New(nil)
	defer fake.Close()
	g := rules.SampleGrid()
	g.Sheet = "Перечень"
	fake.LoadGrid(g)
	cred := filepath.Join(abs, "credentials.json")
	if err := os.WriteFile(cred, fake.CredentialsJSON(), 0o600); err != nil {
		return err
	}
	cfg := fmt.Sprintf(`# Written by scripts/fakesheets: a google_sheets source against the fake API.
interval: 10s
state_dir: %q
status: {listen: %q, refresh: 10s}
sources:
  - name: fake
    profile: oiv
    organisation: "Образец через поддельный Google Sheets API"
    google_sheets:
      spreadsheet_id: %q
      sheet: Перечень
      credentials: %q
      endpoint: %q
    notes: on
    formats: [html, pdf, xlsx, csv, json]
    publish:
      - dir: %q
`, filepath.Join(abs, "state"), listen, fake.ID, cred, fake.URL, filepath.Join(abs, "site"))
	conf := filepath.Join(abs, "config.yaml")
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		return err
	}
	fmt.Printf("fake Google Sheets API: %s (spreadsheet %s, sheet «Перечень»)\n", fake.URL, fake.ID)
	fmt.Printf("run perechen against it:  bin/perechen run --config %s\n", conf)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	seen := 0
	for {
		select {
		case <-stop:
			return nil
		case <-tick.C:
			batches := fake.Batches()
			for _, b := range batches[seen:] {
				fmt.Printf("perechen wrote %d notes\n", len(b))
			}
			seen = len(batches)
		}
	}
}
