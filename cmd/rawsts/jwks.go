package main

import (
	"github.com/rawsts/rawsts/jwtinspect"
)

// maxJWKSFile bounds --jwks (inspect, diagnose): a key set saved from an issuer, held to the
// limit jwtinspect puts on one it fetches.
const maxJWKSFile = jwtinspect.MaxBodySize

// readJWKS reads --jwks FILE (- is standard input) for the command name: a JSON Web Key Set as
// `curl` of the issuer's jwks_uri saves it. Anything else is a usage error naming the file.
func readJWKS(s *streams, name, path string) (*jwtinspect.JWKS, int) {
	b, err := readFileOrStdin(s, path, maxJWKSFile)
	if err != nil {
		return nil, usageError(s, name, "--jwks: %v", err)
	}
	set, err := jwtinspect.ParseJWKS(dropBOM(s, "--jwks "+displayPath(path), b))
	if err != nil {
		return nil, usageError(s, name, "--jwks %s: %s (want the JSON Web Key Set the issuer serves at its jwks_uri, {\"keys\": […]})", displayPath(path), plain(err))
	}
	return set, exitOK
}

// keySetVerifier is the Verifier of --jwks: the key set given, named by its file, and nothing
// fetched.
func keySetVerifier(set *jwtinspect.JWKS, path string) *jwtinspect.Verifier {
	return &jwtinspect.Verifier{KeySet: set, KeySetSource: displayPath(path)}
}
