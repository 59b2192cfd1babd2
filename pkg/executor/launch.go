package executor

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/axiom-mcp/axiom-mcp/pkg/agent"
	"github.com/axiom-mcp/axiom-mcp/pkg/claudecode"
	"github.com/axiom-mcp/axiom-mcp/pkg/profile"
)

// CommandProfile is the profile that runs the command of Options.Agent.
const CommandProfile = profile.CommandProfileName

func validPermissionMode(mode string) bool { return claudecode.ValidPermissionMode(mode) }

func permissionModeList() string { return strings.Join(claudecode.PermissionModes, ", ") }

// launch is how a task's instances start: the profile, its parsed command
// and the permission mode.
type launch struct {
	prof           *profile.Profile
	tpl            agent.Template
	permissionMode string
}

// resolveLaunch picks the profile and permission mode of a task and parses
// the profile's command. where names the task in error messages.
func (p *Pool) resolveLaunch(spec TaskSpec, where string) (launch, error) {
	name := spec.Profile
	if name == "" {
		name = p.opts.Profile
	}
	prof, err := p.opts.Profiles.Lookup(name)
	if err != nil {
		return launch{}, fmt.Errorf("%s: %w", where, err)
	}
	l := launch{prof: prof, permissionMode: spec.PermissionMode}
	if l.permissionMode == "" {
		l.permissionMode = p.opts.PermissionMode
	}
	if l.permissionMode == "" {
		l.permissionMode = prof.PermissionMode
	}
	if l.tpl, err = p.parseCommand(prof); err != nil {
		return launch{}, fmt.Errorf("%s: %w", where, err)
	}
	if l.tpl.Uses(agent.PermissionModePlaceholder) && l.permissionMode == "" {
		return launch{}, fmt.Errorf("%s: profile %s needs a permission mode: give permission_mode, one of %s",
			where, prof.Name, permissionModeList())
	}
	if spec.PermissionMode != "" && !l.tpl.Uses(agent.PermissionModePlaceholder) {
		return launch{}, fmt.Errorf("%s: profile %s takes no permission mode: remove permission_mode", where, prof.Name)
	}
	return l, nil
}

// parseCommand returns the command template of prof. The command profile
// takes its command from Options.Agent.
func (p *Pool) parseCommand(prof *profile.Profile) (agent.Template, error) {
	command := prof.Command
	if command == "" {
		if prof.Name != CommandProfile || p.opts.Agent.Program() == "" {
			return agent.Template{}, fmt.Errorf("profile %s has no command: set one in the profile file, "+
				"or give the server an agent command (--agent)", prof.Name)
		}
		return p.opts.Agent, nil
	}
	var tpl agent.Template
	var err error
	if prof.Interactive() {
		tpl, err = agent.ParseTyped(command)
	} else {
		tpl, err = agent.Parse(command)
	}
	if err != nil {
		return agent.Template{}, fmt.Errorf("profile %s: %w", prof.Name, err)
	}
	if prof.Stdin == "null" {
		tpl.Stdin = agent.StdinNull
	}
	return tpl, nil
}

// launchEnv returns what a profile adds to an instance's environment. Claude
// Code refuses bypassPermissions as root unless IS_SANDBOX is set; a pool
// run as root has chosen that mode on purpose.
func launchEnv(l launch) []string {
	env := make([]string, 0, len(l.prof.Env)+1)
	for _, key := range sortedKeys(l.prof.Env) {
		env = append(env, key+"="+l.prof.Env[key])
	}
	if l.permissionMode == "bypassPermissions" && os.Geteuid() == 0 {
		env = append(env, "IS_SANDBOX=1")
	}
	return env
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// trustWorkspace marks the task's workspace as trusted in the Claude Code
// config the instance will read, so it never shows the trust dialog. One
// entry for the workspace root covers every workspace under it; a
// workspace elsewhere gets its own. It writes nothing when the entry exists.
func (p *Pool) trustWorkspace(t *task, env []string) error {
	if !t.launch.prof.TrustWorkspaces {
		return nil
	}
	dir := p.opts.WorkspaceRoot
	if rel, err := filepath.Rel(dir, t.workspace); err != nil || strings.HasPrefix(rel, "..") {
		dir = t.workspace
	}
	file := claudecode.ConfigFile(env)
	if err := claudecode.Trust(file, dir); err != nil {
		return fmt.Errorf("trust %s in %s: %w", dir, file, err)
	}
	return nil
}
