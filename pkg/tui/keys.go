package tui

// Key is a key press that the browser of `axiom-mcp top` acts on.
type Key int

// Keys the browser handles. It ignores other input.
const (
	KeyUp Key = iota + 1
	KeyDown
	KeyEnter
	KeyBack
	KeyQuit
)

// ParseKeys turns raw terminal input into keys: arrows, k and j, Enter,
// Escape or Backspace for back, and q or Ctrl-C to quit.
func ParseKeys(input []byte) []Key {
	var keys []Key
	for i := 0; i < len(input); i++ {
		switch b := input[i]; {
		case b == 0x1b && i+2 < len(input) && (input[i+1] == '[' || input[i+1] == 'O'):
			switch input[i+2] {
			case 'A':
				keys = append(keys, KeyUp)
			case 'B':
				keys = append(keys, KeyDown)
			}
			i += 2
		case b == 0x1b, b == 0x7f, b == 0x08:
			keys = append(keys, KeyBack)
		case b == 'k':
			keys = append(keys, KeyUp)
		case b == 'j':
			keys = append(keys, KeyDown)
		case b == '\r', b == '\n':
			keys = append(keys, KeyEnter)
		case b == 'q', b == 0x03:
			keys = append(keys, KeyQuit)
		}
	}
	return keys
}

// Browser is the state of `axiom-mcp top`: the selected row and whether
// one instance's screen is open.
type Browser struct {
	Selected int
	// Open is the id of the instance whose screen is shown, or "" for the
	// table.
	Open string
}

// Apply changes the state for key over rows and reports whether the user
// asked to quit.
func (b *Browser) Apply(key Key, rows []Row) (quit bool) {
	switch key {
	case KeyQuit:
		return true
	case KeyBack:
		b.Open = ""
	case KeyUp:
		b.Selected--
	case KeyDown:
		b.Selected++
	case KeyEnter:
		b.Selected = min(max(b.Selected, 0), len(rows)-1)
		if b.Open == "" && b.Selected >= 0 && rows[b.Selected].Instance != "-" {
			b.Open = rows[b.Selected].Instance
		}
	}
	b.Selected = min(max(b.Selected, 0), max(len(rows)-1, 0))
	return false
}

// ScreenLines lays out an instance's screen in at most height lines of at
// most width cells: a title line, then the last rows that fit.
func ScreenLines(title string, screen []string, width, height int) []string {
	lines := []string{truncate(title, width)}
	room := max(height-1, 0)
	if len(screen) > room {
		screen = screen[len(screen)-room:]
	}
	for _, row := range screen {
		lines = append(lines, truncate(clean(row), width))
	}
	return lines
}
