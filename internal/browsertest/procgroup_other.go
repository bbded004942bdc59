//go:build !unix

package browsertest

import "os/exec"

// ownGroup does nothing where process groups are not Unix's: a timeout kills the browser only.
func ownGroup(cmd *exec.Cmd) {}
