package main

import (
	"github.com/rawsts/rawsts/internal/awsconfig"
)

// --profile means on every command what it means to the AWS CLI: the profile of ~/.aws/config
// and ~/.aws/credentials to take credentials and settings from. Before, on assume,
// assume-role and cognito assume, it named the block --output ini prints; that is
// --ini-profile now, and a --profile that names no profile says so (profileNote).

// profileNote is what a --profile naming no profile adds, for those used to its old meaning.
const profileNote = "(--profile names a profile of the AWS config or credentials file, as in the AWS CLI; the name of the block --output ini prints is --ini-profile)"

// readProfile reads the profile name of the shared files. A name that is not a profile, or
// files that cannot be read, are usage errors of command cmd (exit 2): nothing was sent.
func readProfile(s *streams, cmd, name string) (*awsconfig.Profile, int, bool) {
	if err := checkProfileName("--profile", name); err != nil {
		return nil, usageError(s, cmd, "%v", err), false
	}
	files, err := awsconfig.Load(s.getenv)
	if err != nil {
		errorf(s, "%s (nothing was sent)", plain(err))
		return nil, exitUsage, false
	}
	p := files.Profile(name)
	if p == nil {
		return nil, usageError(s, cmd, "--profile %s: no such profile in %s or %s %s", name,
			orNone(files.ConfigPath), orNone(files.CredentialsPath), profileNote), false
	}
	return p, exitOK, true
}
