package workspace

import (
	"context"
	"fmt"
	"strings"
)

// BranchPrefix starts the name of every branch created for a task.
const BranchPrefix = "axiom/"

// maxBranchNameBytes caps the part of a branch name taken from the task
// name, to keep names readable in git's output.
const maxBranchNameBytes = 60

// maxBranchSuffix is the highest numeric suffix tried for a taken name.
const maxBranchSuffix = 1000

// BranchName returns the branch name for a task name or id: BranchPrefix
// followed by the name with every byte other than ASCII letters, digits,
// '.', '_' and '-' replaced by '-'. The result is a valid git ref name.
// An empty or unusable name gives "axiom/task".
func BranchName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	word := b.String()
	// Git rejects "..", and a name that starts with '-' or '.', or ends
	// with '.' or ".lock".
	for strings.Contains(word, "..") {
		word = strings.ReplaceAll(word, "..", ".")
	}
	for strings.Contains(word, "--") {
		word = strings.ReplaceAll(word, "--", "-")
	}
	if len(word) > maxBranchNameBytes {
		word = word[:maxBranchNameBytes]
	}
	word = strings.Trim(word, "-.")
	for strings.HasSuffix(word, ".lock") {
		word = strings.Trim(strings.TrimSuffix(word, ".lock"), "-.")
	}
	if word == "" {
		word = "task"
	}
	return BranchPrefix + word
}

// freeBranch returns BranchName(name), or that name with the first suffix
// -2, -3 and so on that no branch of the repository in dir uses. A name is
// taken when a branch has it or when a branch lies below it, as
// "axiom/x/y" blocks "axiom/x".
func freeBranch(ctx context.Context, dir, name string) (string, error) {
	out, err := gitOutput(ctx, dir, "for-each-ref", "--format=%(refname:short)", "refs/heads/"+BranchPrefix)
	if err != nil {
		return "", fmt.Errorf("list branches of %s: %w", dir, err)
	}
	taken := make(map[string]bool)
	for _, ref := range strings.Split(out, "\n") {
		taken[ref] = true
		for i := strings.LastIndexByte(ref, '/'); i > 0; i = strings.LastIndexByte(ref, '/') {
			ref = ref[:i]
			taken[ref] = true
		}
	}
	base := BranchName(name)
	if !taken[base] {
		return base, nil
	}
	for n := 2; n <= maxBranchSuffix; n++ {
		candidate := fmt.Sprintf("%s-%d", base, n)
		if !taken[candidate] {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("branches %s to %s-%d all exist in %s: delete merged branches with "+
		"git branch -d, or run axiom-mcp cleanup", base, base, maxBranchSuffix, dir)
}
