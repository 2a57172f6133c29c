package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/perechen-oiv/perechen/publish"
	"github.com/perechen-oiv/perechen/render"
	"github.com/perechen-oiv/perechen/rules"
)

// defaultTemplateOut is where `perechen template` writes without --out.
const defaultTemplateOut = "perechen-template.xlsx"

func runTemplate(_ context.Context, e env, args []string) int {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var (
		profileName, out string
		opts             render.TemplateOptions
		force            bool
	)
	fs.StringVar(&profileName, "profile", rules.DefaultProfile, "профиль Порядка: "+strings.Join(rules.ProfileNames(), ", ")+" или путь к файлу YAML")
	fs.StringVar(&out, "out", defaultTemplateOut, "файл XLSX для бланка (- — стандартный вывод)")
	fs.BoolVar(&opts.NumberRow, "number-row", false, "добавить под заголовком строку с номерами граф 1–5")
	fs.IntVar(&opts.ExampleRows, "examples", 0, "число строк-образцов с подсказками (0–100)")
	fs.StringVar(&opts.Organisation, "organisation", "", "наименование органа для заголовка")
	fs.BoolVar(&force, "force", false, "перезаписать существующий файл")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Использование: perechen template [флаги]")
		fmt.Fprintln(e.stderr, "\nЗаписывает пустой бланк Перечня по форме Порядка: заголовок, графы, выпадающие списки")
		fmt.Fprintln(e.stderr, "точек взаимодействия и видов точек, настройки печати.\n\nФлаги:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "perechen template: лишние аргументы %q; файл указывается флагом --out\n", fs.Args())
		return exitUsage
	}
	profile, err := rules.LoadProfile(profileName)
	if err != nil {
		fmt.Fprintln(e.stderr, "perechen template:", err)
		return exitUsage
	}
	var buf bytes.Buffer
	if err := render.WriteTemplate(&buf, profile, opts); err != nil {
		fmt.Fprintln(e.stderr, "perechen template:", err)
		return exitUsage
	}
	if out == "-" {
		if _, err := e.stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintln(e.stderr, "perechen template:", err)
			return exitUsage
		}
		return exitOK
	}
	if !force {
		if _, err := os.Stat(out); err == nil {
			fmt.Fprintf(e.stderr, "perechen template: файл %s уже существует; укажите другой --out или добавьте --force\n", out)
			return exitUsage
		}
	}
	if err := publish.WriteFileAtomic(out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(e.stderr, "perechen template: не удалось записать %s: %v\n", out, err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "записан бланк %s (профиль %s)\n", out, profile.Name)
	return exitOK
}
