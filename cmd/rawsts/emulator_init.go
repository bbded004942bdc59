package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/rawsts/rawsts/internal/safefile"
	"github.com/rawsts/rawsts/ststest"
	"github.com/rawsts/rawsts/trustpolicy"
)

// exampleHeader opens the config `rawsts emulator --init` writes.
const exampleHeader = `// rawsts emulator config: the AWS account the emulator plays. Use it with
//   rawsts emulator --config FILE
// This is the default, the walkthrough's setup; change what you need. It is JSON with line
// comments (// to the end of a line, outside strings). Member names are AWS's own (IAM's API
// and CloudFormation's), so a policy copied from "aws iam get-role" reads the same here.
//
// ${EMULATOR} stands for the emulator's URL (http://127.0.0.1:PORT, https:// with --tls) and
// ${EMULATOR_HOST} for 127.0.0.1:PORT, the form IAM uses in provider ARNs and condition keys:
// the port is chosen at start unless --addr fixes it.
//
// The keys and passwords are AWS's documented EXAMPLE values and the emulator's own: they open
// nothing but the emulator, which is not a security boundary.
//
// Members not shown: Path (users, roles), MaxSessionDuration (roles, 3600-43200 seconds),
// Policies (a role's inline permission policies, shaped as Alice's), Tags and Description,
// ClientSecret (an app client's: SECRET_HASH becomes required), PasswordPolicy (a pool's),
// ThumbprintList (a provider's; kept, never checked), Issuers (extra OIDC issuers minting
// tokens shaped like GitHub Actions', GitLab CI's or EKS's: [{"Name": "github", "Kind":
// "github"}] serves one at ${EMULATOR}/github). "rawsts help emulator" and
// "go doc github.com/rawsts/rawsts/ststest.Config" have the details.
`

// exampleComments are the comments put before the first line of each member, by name.
var exampleComments = map[string]string{
	"Account":                  "the 12-digit account id of everything below",
	"Region":                   "the region of the user pools and the services",
	"Users":                    "IAM users; their access keys sign admin calls (AdminInitiateAuth, IAM, STS). The first user's first key is exported as RAWSTS_ADMIN_ACCESS_KEY_ID / RAWSTS_ADMIN_SECRET_ACCESS_KEY.",
	"Policies":                 "inline permission policies: what calls signed with the user's key may do",
	"OpenIDConnectProviders":   "IAM OIDC identity providers: Url is exactly the iss of the tokens accepted, ClientIDList their aud",
	"Roles":                    "IAM roles: the trust policy says who may assume the role, the permission policies what its sessions may do",
	"AssumeRolePolicyDocument": "TestRole trusts the pool's ID tokens (aud = the app client id) for sts:AssumeRoleWithWebIdentity",
	"UserPools":                "Amazon Cognito user pools; each has its issuer at ${EMULATOR}/POOL_ID",
	"ExplicitAuthFlows":        "the flows the app client allows; a login with another is refused as Cognito refuses it",
	"Username":                 "a user: Password, Attributes (claims of the ID token) and Status (CONFIRMED when left out)",
	"Status":                   "newcomer must choose a new password at the first login (NEW_PASSWORD_REQUIRED)",
	"Buckets":                  "S3 buckets and their objects, for ListBuckets and ListObjectsV2",
	"Instances":                "EC2 instances, for DescribeInstances",
}

// exampleConfig returns ststest.DefaultConfig as indented JSON with exampleComments before the
// first occurrence of each member: generated, so that it always loads back to the default.
func exampleConfig() ([]byte, error) {
	b, err := json.MarshalIndent(ststest.DefaultConfig(), "", "  ")
	if err != nil {
		return nil, err
	}
	var out strings.Builder
	out.WriteString(exampleHeader)
	comments := map[string]string{"ManagedPolicyArns": "AWS managed policies, by ARN or by name; the emulator holds " +
		strings.Join(trustpolicy.ManagedPolicyNames(), ", ")}
	for k, v := range exampleComments {
		comments[k] = v
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimLeft(line, " ")
		if strings.HasPrefix(trimmed, `"`) {
			if name, _, ok := strings.Cut(trimmed[1:], `"`); ok && !seen[name] && comments[name] != "" {
				seen[name] = true
				indent := line[:len(line)-len(trimmed)]
				out.WriteString(wrap(comments[name], indent+"// ", 100))
			}
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return []byte(out.String()), nil
}

// writeExampleConfig is `rawsts emulator --init [FILE]`: the example on standard output, or in
// FILE, which must not exist yet (an edited config is never overwritten).
func writeExampleConfig(s *streams, pos []string) int {
	b, err := exampleConfig()
	if err != nil {
		errorf(s, "writing the example config: %v", err)
		return exitUsage
	}
	if len(pos) == 0 || pos[0] == "-" {
		s.stdout.Write(b)
		return exitOK
	}
	path := pos[0]
	if _, err := os.Lstat(path); err == nil {
		errorf(s, "--init: %s exists already; remove it or name another file (the emulator never overwrites a config)", path)
		return exitUsage
	} else if !errors.Is(err, fs.ErrNotExist) {
		errorf(s, "--init: cannot write %s: %s", path, writeProblem(path, err))
		return exitUsage
	}
	if err := safefile.WriteAtomic(path, b, 0o600); err != nil {
		errorf(s, "--init: cannot write %s: %s", path, writeProblem(path, err))
		return exitUsage
	}
	errorf(s, "wrote the example config to %s; start the emulator with it: rawsts emulator --config %s", path, shellQuote(path))
	return exitOK
}
