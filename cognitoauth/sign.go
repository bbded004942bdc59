package cognitoauth

import (
	"fmt"
	"net/http"
	"time"

	"github.com/rawsts/rawsts/sigv4"
)

// signRequest signs an Admin call with SigV4 for service cognito-idp, as the AWS CLI does:
// the JSON body's hash, the Content-Type, Host, X-Amz-Date and X-Amz-Target headers.
func signRequest(req *http.Request, body []byte, creds sigv4.Credentials, region string, t time.Time) error {
	var s sigv4.Signer
	if _, err := s.SignHTTP(req, creds, sigv4.HashPayload(body), signingName, region, t); err != nil {
		return fmt.Errorf("cognitoauth: signing: %w", err)
	}
	return nil
}
