// Package awsconfig reads the AWS shared config file (~/.aws/config) and shared credentials
// file (~/.aws/credentials) the way the AWS CLI reads them (botocore's configloader and
// session): where they are, which profile is selected, which sections are profiles, and how
// the two files merge.
//
//   - Paths: AWS_CONFIG_FILE, else $HOME/.aws/config; AWS_SHARED_CREDENTIALS_FILE, else
//     $HOME/.aws/credentials; a leading "~/" in either variable is $HOME. Only the getenv
//     given is consulted, never the process's own environment or home, so a caller (or a
//     test) passing its own lookup is not surprised by a real ~/.aws.
//   - Profiles: in the config file "[profile NAME]" (and "[default]" or "[profile default]";
//     when both are there the later one wins, as in botocore); a bare "[NAME]" there is not a
//     profile. In the credentials file every section "[NAME]" is the profile NAME.
//   - Merge: the credentials file's section is laid key by key over the config file's
//     profile of the same name, for every key (botocore does this; the AWS SDK for Go v2 keeps
//     the files apart, which matters only for keys other than the static keys).
//   - Selection: AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default" (a command's
//     --profile, which wins over both, is the caller's).
//
// The files are read through a 1 MiB limit each; a file that does not exist is an empty file.
// A syntax error is an error naming the file and the line (package ini has the rules).
//
// It is not a provider: it turns no profile into credentials (package creds does, following
// the AWS CLI's order), and it does not read [sso-session] or [services] sections.
package awsconfig
