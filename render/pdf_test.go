package render

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

func TestPDFScratch(t *testing.T) {
	for _, name := range []string{"sample", "seed003", "synthetic-300"} {
		fx := loadFixture(t, name)
		var buf bytes.Buffer
		if err := NewPDF().Render(&buf, fx.reg, fx.meta); err != nil {
			t.Fatal(err)
		}
		os.WriteFile("/tmp/pdf-"+name+".pdf", buf.Bytes(), 0o644)
	}
	_ = exec.Command
}
