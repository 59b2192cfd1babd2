package executor

import (
	"fmt"
	"strconv"
)

// quotedRefMax is the longest id or name that an error quotes whole. Ids
// are 12 bytes long and names are short labels, so a longer reference is
// most likely a mistake, and quoting all of it would put the whole mistake
// into the client's context.
const quotedRefMax = 80

// QuoteRef quotes an id or name for an error message, cut to its first
// quotedRefMax bytes with its length when it is longer.
func QuoteRef(ref string) string {
	if len(ref) <= quotedRefMax {
		return strconv.Quote(ref)
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(ref[:quotedRefMax]), len(ref))
}
