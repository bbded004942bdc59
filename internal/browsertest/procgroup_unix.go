//go:build unix

package browsertest

import (
	"os/exec"
	"syscall"
)

// ownGroup runs the browser in a process group of its own, so that a timeout ends its helper
// processes with it.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
