package eks

import (
	"bytes"
	"encoding/json"
	"time"
)

// The apiVersions of client-go's exec credential plugins (client.authentication.k8s.io).
const (
	APIVersionV1       = "client.authentication.k8s.io/v1"
	APIVersionV1beta1  = "client.authentication.k8s.io/v1beta1"
	APIVersionV1alpha1 = "client.authentication.k8s.io/v1alpha1" // deprecated; still answered
)

// ExecCredential returns the ExecCredential document kubectl reads from an exec plugin's
// standard output, byte for byte as `aws eks get-token` prints it (Python's json.dumps: one
// line, ", " and ": " between items, then a newline):
//
//	{"kind": "ExecCredential", "apiVersion": "client.authentication.k8s.io/v1beta1", "spec": {}, "status": {"expirationTimestamp": "2026-11-30T06:16:31Z", "token": "k8s-aws-v1.…"}}
//
// apiVersion is the one [ExecAPIVersion] chose; "" means v1beta1. The document holds the
// token: it is for kubectl's pipe, not for a log.
func (t Token) ExecCredential(apiVersion string) []byte {
	if apiVersion == "" {
		apiVersion = APIVersionV1beta1
	}
	var b bytes.Buffer
	b.WriteString(`{"kind": "ExecCredential", "apiVersion": `)
	writeJSONString(&b, apiVersion)
	b.WriteString(`, "spec": {}, "status": {"expirationTimestamp": `)
	writeJSONString(&b, t.Expiration.UTC().Format(time.RFC3339))
	b.WriteString(`, "token": `)
	writeJSONString(&b, t.Value)
	b.WriteString("}}\n")
	return b.Bytes()
}

// writeJSONString writes s as a JSON string. Python's json.dumps escapes every non-ASCII
// character; encoding/json keeps them, which kubectl reads the same, and the values written
// here are ASCII.
func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	b.Write(enc)
}

// ExecAPIVersion chooses the apiVersion of the ExecCredential answer from the value of the
// KUBERNETES_EXEC_INFO variable client-go sets for a plugin, as the AWS CLI does: its
// apiVersion when that is v1 or v1beta1; v1alpha1, deprecated, with a warning; v1beta1 when
// the variable is empty (clients before Kubernetes 1.20 did not always set it), and v1beta1
// with a warning when it is not JSON or names a version this package does not know. warning
// is "" when there is nothing to say; it names no secret (the variable holds none).
func ExecAPIVersion(execInfo string) (apiVersion, warning string) {
	if execInfo == "" {
		return APIVersionV1beta1, ""
	}
	var info struct {
		APIVersion any `json:"apiVersion"`
	}
	if err := json.Unmarshal([]byte(execInfo), &info); err != nil {
		return APIVersionV1beta1, "KUBERNETES_EXEC_INFO is not a JSON object; answering with " + APIVersionV1beta1 +
			" (the Kubernetes client that set it has a bug: update it)"
	}
	v, _ := info.APIVersion.(string)
	switch v {
	case APIVersionV1, APIVersionV1beta1:
		return v, ""
	case APIVersionV1alpha1:
		return v, "the kubeconfig's exec entry asks for the deprecated " + APIVersionV1alpha1 +
			"; change it to " + APIVersionV1beta1 + " or " + APIVersionV1
	}
	return APIVersionV1beta1, "KUBERNETES_EXEC_INFO asks for an apiVersion this package does not know; answering with " +
		APIVersionV1beta1 + " (a newer version may know it)"
}
