package render

import _ "embed"

// DejaVu Sans Condensed (Bitstream Vera licence, see fonts/LICENSE): full
// Cyrillic, narrow enough for the form's five columns on A4 landscape. fpdf
// embeds only the glyphs a document uses.
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	pdfFontRegular []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	pdfFontBold []byte
)

const pdfFontFamily = "DejaVuSansCondensed"
