package awsquery

// Shaped returns the trimmed text at path when ok accepts it. Missing or empty is a
// [*ResponseError] as with [Node.String]; a value ok refuses is one that says "element PATH is
// not WANT (N chars)", never quoting the value (it might be a secret).
func (n Node) Shaped(path string, ok func(string) bool, want string) (string, error) {
	v, err := n.String(path)
	if err != nil {
		return "", err
	}
	if !ok(v) {
		return "", n.Child(path).invalid(want)
	}
	return v, nil
}

// VisibleASCII reports whether s is non-empty printable ASCII without spaces (0x21–0x7E).
// Query APIs give most values no pattern in their models, but keys, tokens, ids, ARNs and URLs
// are all of this shape in what the services send: a space, a control character (a newline
// would add lines to a credentials file, a KEY=value output or a report) or a non-ASCII byte in
// one of them means the reply is not the service's.
func VisibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

// IsARN reports whether s looks like an ARN as services send them: "arn:", printable ASCII
// without spaces, 20–2048 characters (the models' arnType).
func IsARN(s string) bool {
	return len(s) >= 20 && len(s) <= 2048 && s[:4] == "arn:" && VisibleASCII(s)
}
