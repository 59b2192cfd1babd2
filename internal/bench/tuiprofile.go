package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
)

// tuiProfileName names the profile of the test agent's terminal UI.
const tuiProfileName = "tui"

// tuiProfile describes the test agent's terminal UI, whose screens copy
// the words of Claude Code 2.1.197, the way the embedded claude profile
// describes Claude Code: a typed prompt, the task done when the turn
// finishes, /exit to close.
func tuiProfile(agentPath, directives string) profile.Profile {
	boxRule := "────────────────────"
	return profile.Profile{
		Name:        tuiProfileName,
		Command:     fmt.Sprintf("'%s' '%s'", agentPath, directives),
		Prompt:      profile.PromptTyped,
		Stdin:       profile.StdinTerminal,
		Output:      profile.OutputScreen,
		Done:        profile.DoneTurn,
		SubmitDelay: profile.Duration(100 * time.Millisecond),
		Close:       []string{"text:/exit", "key:enter"},
		States: []profile.Rule{
			{Name: "busy_footer", State: profile.StateWorking, Pattern: `^\s*esc to interrupt`, Bottom: 3},
			{Name: "question", State: profile.StateWaitingInput, All: []string{"Do you want to"},
				Pattern: `^\s*Esc to cancel`, None: []string{"? for shortcuts"}, Bottom: 10,
				Question: `Do you want to .*\?`},
			{Name: "summary", State: profile.StateTurnFinished, Pattern: `^✻ \p{Lu}\p{Ll}+ for \d+s`,
				All: []string{boxRule}, Bottom: 7},
			{Name: "input_box", State: profile.StateReady, Pattern: `^❯`, Any: []string{"? for shortcuts"}, Bottom: 5},
		},
	}
}

// loadTUIProfile writes the profile to a profiles file in dir and loads it,
// as the server loads --profiles, so that it is validated the same way.
func loadTUIProfile(dir, agentPath, directives string) (*profile.Set, *profile.Profile, error) {
	data, err := yaml.Marshal(map[string][]profile.Profile{"profiles": {tuiProfile(agentPath, directives)}})
	if err != nil {
		return nil, nil, fmt.Errorf("encode the tui profile: %w", err)
	}
	path := filepath.Join(dir, "profiles.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return nil, nil, fmt.Errorf("write the tui profile: %w", err)
	}
	set, err := profile.Load(path, nil)
	if err != nil {
		return nil, nil, err
	}
	prof, err := set.Lookup(tuiProfileName)
	if err != nil {
		return nil, nil, err
	}
	return set, prof, nil
}
