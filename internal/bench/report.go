package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// Section markers around the generated table in the benchmark page. The
// command replaces what lies between them and keeps the rest of the page.
const (
	SectionStart = "<!-- axiom-bench: start -->"
	SectionEnd   = "<!-- axiom-bench: end -->"
)

// Machine describes where a run happened.
type Machine struct {
	CPU     string
	Cores   int
	MemGiB  float64
	Kernel  string
	Go      string
	LoadAvg string // the 1-minute load average at the start of the run
}

// ReadMachine reads the machine's description from /proc.
func ReadMachine() Machine {
	m := Machine{CPU: "unknown CPU", Cores: runtime.NumCPU(), Go: runtime.Version()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = procField(data, "model name", ":")
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kib float64
		if _, err := fmt.Sscanf(procField(data, "MemTotal", ":"), "%f kB", &kib); err == nil {
			m.MemGiB = kib / (1 << 20)
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(data))
	}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.LoadAvg, _, _ = strings.Cut(string(data), " ")
	}
	return m
}

// procField returns the value of the first "key sep value" line in data.
func procField(data []byte, key, sep string) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), sep)
		if ok && strings.TrimSpace(name) == key {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// String formats the machine for the benchmark page.
func (m Machine) String() string {
	return fmt.Sprintf("%s, %d cores, %.0f GiB, Linux %s, %s, load average %s at the start",
		m.CPU, m.Cores, m.MemGiB, m.Kernel, m.Go, m.LoadAvg)
}

// Short formats the machine for a table cell.
func (m Machine) Short() string {
	return fmt.Sprintf("%s, %d cores, %.0f GiB, load %s", m.CPU, m.Cores, m.MemGiB, m.LoadAvg)
}

// Row is one line of the generated table: a result with where and when it
// was measured.
type Row struct {
	Result
	Date    time.Time
	Machine string
	Command string
}

// tableHeader starts the generated table.
const tableHeader = "| benchmark | figure | baseline (same run) | ratio | target | met | machine | command | date |\n" +
	"| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"

// Markdown renders a row of the generated table.
func (r Row) Markdown() string {
	met := "yes"
	if !r.Met {
		met = "**no**"
	}
	cells := []string{r.Name, r.Figure, r.Baseline, r.Ratio, r.Target, met, r.Machine,
		"`" + r.Command + "`", r.Date.UTC().Format("2006-01-02")}
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(c, "|", `\|`)
	}
	return "| " + strings.Join(cells, " | ") + " |"
}

// noteLine renders a row's note below the table.
func (r Row) noteLine() string {
	if r.Note == "" {
		return ""
	}
	return fmt.Sprintf("- **%s**: %s", r.Name, r.Note)
}

// UpdateSection returns page with rows in its generated section. A row
// replaces the row of the same benchmark in its place, and the other rows
// stay, so a run of one benchmark keeps the rest of the table. Rows of
// benchmarks new to the table go at its end. A page without the markers
// gets the section at its end.
func UpdateSection(page string, rows []Row) string {
	before, rest, found := strings.Cut(page, SectionStart)
	after := "\n"
	var oldTable, oldNotes []string
	if found {
		var inside string
		inside, after, _ = strings.Cut(rest, SectionEnd)
		oldTable, oldNotes = sectionLines(inside)
	} else if strings.TrimSpace(page) != "" {
		before = strings.TrimRight(page, "\n") + "\n\n"
	} else {
		before = ""
	}
	table, notes := mergeRows(oldTable, oldNotes, rows)
	var b strings.Builder
	b.WriteString(SectionStart + "\n")
	b.WriteString(tableHeader)
	for _, line := range table {
		b.WriteString(line + "\n")
	}
	if len(notes) > 0 {
		b.WriteString("\n" + strings.Join(notes, "\n") + "\n")
	}
	b.WriteString(SectionEnd)
	return before + b.String() + after
}

// mergeRows puts each new row in the place of the old row of its
// benchmark, or at the end, and its note likewise.
func mergeRows(oldTable, oldNotes []string, rows []Row) (table, notes []string) {
	byName := make(map[string]Row, len(rows))
	for _, r := range rows {
		byName[r.Name] = r
	}
	placed := make(map[string]bool, len(rows))
	for _, line := range oldTable {
		name := rowName(line)
		if r, ok := byName[name]; ok {
			table = append(table, r.Markdown())
			placed[name] = true
			continue
		}
		table = append(table, line)
	}
	for _, r := range rows {
		if !placed[r.Name] {
			table = append(table, r.Markdown())
		}
	}
	noted := make(map[string]bool, len(rows))
	for _, line := range oldNotes {
		name := noteName(line)
		r, ok := byName[name]
		switch {
		case !ok:
			notes = append(notes, line)
		case r.noteLine() != "":
			notes = append(notes, r.noteLine())
			noted[name] = true
		}
	}
	for _, r := range rows {
		if n := r.noteLine(); n != "" && !noted[r.Name] {
			notes = append(notes, n)
		}
	}
	return table, notes
}

// sectionLines returns the table rows and the notes of a generated
// section, without the table header.
func sectionLines(inside string) (table, notes []string) {
	for _, line := range strings.Split(inside, "\n") {
		switch {
		case strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| benchmark |") &&
			!strings.HasPrefix(line, "| --- |"):
			table = append(table, line)
		case strings.HasPrefix(line, "- **"):
			notes = append(notes, line)
		}
	}
	return table, notes
}

func rowName(line string) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
	return name
}

func noteName(line string) string {
	name, _, _ := strings.Cut(strings.TrimPrefix(line, "- **"), "**")
	return name
}
