package claudecode

import "slices"

// PermissionModes are the values Claude Code 2.1.197 accepts for
// --permission-mode, as its --help lists them.
var PermissionModes = []string{"acceptEdits", "auto", "bypassPermissions", "default", "dontAsk", "plan"}

// ValidPermissionMode reports whether mode is one of PermissionModes.
func ValidPermissionMode(mode string) bool { return slices.Contains(PermissionModes, mode) }
