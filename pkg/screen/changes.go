package screen

import (
	"strings"
	"unicode"
)

// spinnerGlyphs are the animation frames of Claude Code's busy spinner (· * ✢
// ✶ ✻ ✽) and its busy title (⠂ ⠐). Braille runes are handled by range.
const spinnerGlyphs = "·*✢✶✻✽⠂⠐"

// MeaningfulChanges counts rows of cur that differ from prev after
// normalisation. Normalisation removes spinner glyphs (· * ✢ ✶ ✻ ✽ and the
// braille runes U+2800–U+28FF) and digits, and collapses whitespace. A spinner
// row whose glyph rotates and whose timer or token count rises therefore
// counts as unchanged. Rows are compared by position, and a row found at any
// position of prev also counts as unchanged, so scrolled output does not
// count twice. The position check is thus contained in a lookup of all rows
// of prev. A row that is empty after normalisation never counts.
func MeaningfulChanges(prev, cur []string) int {
	seen := make(map[string]bool, len(prev))
	for _, row := range prev {
		seen[normaliseRow(row)] = true
	}
	changes := 0
	for _, row := range cur {
		norm := normaliseRow(row)
		if norm != "" && !seen[norm] {
			changes++
		}
	}
	return changes
}

// normaliseRow removes spinner glyphs and digits from row and collapses each
// run of whitespace to one space, trimming both ends.
func normaliseRow(row string) string {
	stripped := strings.Map(func(r rune) rune {
		if isSpinnerRune(r) || unicode.IsDigit(r) {
			return -1
		}
		return r
	}, row)
	return strings.Join(strings.Fields(stripped), " ")
}

func isSpinnerRune(r rune) bool {
	return (r >= 0x2800 && r <= 0x28FF) || strings.ContainsRune(spinnerGlyphs, r)
}
