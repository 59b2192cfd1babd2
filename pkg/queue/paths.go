package queue

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Roots of the two path trees: absolute paths hang below "/", paths
// relative to a workspace below ".". A relative path never overlaps an
// absolute one.
const (
	absoluteRoot = "/"
	relativeRoot = "."
)

// splitOwned cleans an owned path and splits it into components that start
// with its root, so "src/api" becomes [".", "src", "api"] and "/tmp" becomes
// ["/", "tmp"].
func splitOwned(raw string) ([]string, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("owns contains an empty path: give a file or directory path")
	}
	if strings.ContainsRune(raw, 0) {
		return nil, fmt.Errorf("owns path %q contains a NUL byte: remove it", raw)
	}
	clean := path.Clean(raw)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return nil, fmt.Errorf("owns path %q leaves the workspace: use a path inside it, such as %q, "+
			"or an absolute path", raw, "src/api")
	}
	root, rest := relativeRoot, clean
	if path.IsAbs(clean) {
		root, rest = absoluteRoot, strings.TrimPrefix(clean, "/")
	}
	parts := []string{root}
	if rest != "" && rest != "." {
		parts = append(parts, strings.Split(rest, "/")...)
	}
	return parts, nil
}

// ownedKey returns the sorted owned paths joined into one string, which
// names the task's class.
func ownedKey(owns [][]string) string {
	joined := make([]string, len(owns))
	for i, parts := range owns {
		joined[i] = strings.Join(parts, "/")
	}
	slices.Sort(joined)
	return strings.Join(joined, "\x00")
}

// pathNode is one component in the tree of paths held by running tasks.
// Only held paths and their ancestors have nodes.
type pathNode struct {
	children map[string]*pathNode
	// owners are the running tasks that own exactly this path.
	owners []*entry
	// below counts the held paths strictly below this node.
	below int
}

// overlap returns a running task whose owned path equals parts, lies above
// it or lies below it, or nil when there is none. It costs one step per
// component of parts, plus one per level of the tree below parts.
func (n *pathNode) overlap(parts []string) *entry {
	node := n
	for _, part := range parts {
		node = node.children[part]
		if node == nil {
			return nil
		}
		if len(node.owners) > 0 {
			return node.owners[0]
		}
	}
	// Every node in the tree holds a path or has one below it, so any
	// child leads down to an owner.
	for node.below > 0 {
		child := anyChild(node)
		if child == nil {
			return nil
		}
		if len(child.owners) > 0 {
			return child.owners[0]
		}
		node = child
	}
	return nil
}

func anyChild(n *pathNode) *pathNode {
	for _, child := range n.children {
		return child
	}
	return nil
}

// hold records that e owns the path parts.
func (n *pathNode) hold(parts []string, e *entry) {
	node := n
	for _, part := range parts {
		node.below++
		child := node.children[part]
		if child == nil {
			if node.children == nil {
				node.children = make(map[string]*pathNode)
			}
			child = &pathNode{}
			node.children[part] = child
		}
		node = child
	}
	node.owners = append(node.owners, e)
}

// release removes e as an owner of parts and prunes nodes left empty.
func (n *pathNode) release(parts []string, e *entry) {
	trail := make([]*pathNode, 0, len(parts)+1)
	node := n
	for _, part := range parts {
		trail = append(trail, node)
		node = node.children[part]
		if node == nil {
			return
		}
	}
	i := slices.Index(node.owners, e)
	if i < 0 {
		return
	}
	node.owners = slices.Delete(node.owners, i, i+1)
	for _, ancestor := range trail {
		ancestor.below--
	}
	for k := len(parts) - 1; k >= 0; k-- {
		child := trail[k].children[parts[k]]
		if len(child.owners) > 0 || child.below > 0 {
			return
		}
		delete(trail[k].children, parts[k])
	}
}
