package main

// commands is the table of subcommands, one level deep like cmd/go's. Each command lives in its
// own file with its long help in help/NAME.txt.
func commands() []*command {
	return []*command{
		cmdAssume,
		cmdAssumeRole,
		cmdCognito,
		cmdDecodeAuth,
		cmdDemo,
		cmdDiagnose,
		cmdEKS,
		cmdEmulator,
		cmdExec,
		cmdInspect,
		cmdLintTrustPolicy,
		cmdSign,
		cmdThumbprint,
		cmdToken,
		cmdUI,
		cmdVersion,
		cmdWhoami,
	}
}
