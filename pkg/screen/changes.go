package screen

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// spinnerGlyphs are the animation frames of Claude Code's busy spinner (· * ✢
// ✶ ✻ ✽) and its busy title (⠂ ⠐). Braille runes are handled by range.
const spinnerGlyphs = "·*✢✶✻✽⠂⠐"

// progressPattern matches a timer or a token count, such as "12s", "1m 6s",
// "250ms" or "↓ 1.2k tokens" in Claude Code 2.1.197's spinner row
// "✻ Thinking… (12s · ↓ 300 tokens)" and in its Bash row "⎿  Running… (3s)".
var progressPattern = regexp.MustCompile(`\b\d+(?:\.\d+)?(?:ms|[hms])\b|\d\s*k?\s+tokens?\b`)

// MeaningfulChanges counts rows of cur that differ from prev after
// normalisation. Normalisation removes spinner glyphs (· * ✢ ✶ ✻ ✽ and the
// braille runes U+2800–U+28FF) and digits, and collapses whitespace. A row
// found at any position of prev counts as unchanged, so scrolled output does
// not count twice. A row that is empty after normalisation never counts.
//
// A row that matches a row of prev only after normalisation, such as
// "step 42 of 90" after "step 41 of 90", counts as a change unless it is a
// progress row (see isProgressRow). So a rising counter that the agent prints
// counts once per row and call, while a spinner whose glyph rotates and whose
// timer or token count rises does not count.
func MeaningfulChanges(prev, cur []string) int {
	seen := make(map[string]bool, len(prev))
	exact := make(map[string]bool, len(prev))
	for _, row := range prev {
		seen[normaliseRow(row)] = true
		exact[collapseSpace(row)] = true
	}
	changes := 0
	for _, row := range cur {
		norm := normaliseRow(row)
		switch {
		case norm == "":
		case !seen[norm]:
			changes++
		case !exact[collapseSpace(row)] && !isProgressRow(row):
			changes++
		}
	}
	return changes
}

// isProgressRow reports whether row looks drawn by a progress indicator
// rather than printed by the agent. Such a row starts with a spinner glyph,
// contains a braille spinner rune or the "·" that Claude Code uses as a
// separator in its status rows, or shows a timer or a token count.
func isProgressRow(row string) bool {
	trimmed := strings.TrimLeftFunc(row, unicode.IsSpace)
	first, _ := utf8.DecodeRuneInString(trimmed)
	switch {
	case isSpinnerRune(first):
		return true
	case strings.ContainsFunc(row, isBraille), strings.ContainsRune(row, '·'):
		return true
	}
	return progressPattern.MatchString(row)
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

// collapseSpace collapses each run of whitespace in row to one space and
// trims both ends, keeping everything else.
func collapseSpace(row string) string {
	return strings.Join(strings.Fields(row), " ")
}

func isSpinnerRune(r rune) bool {
	return isBraille(r) || strings.ContainsRune(spinnerGlyphs, r)
}

func isBraille(r rune) bool { return r >= 0x2800 && r <= 0x28FF }
