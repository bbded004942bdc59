// Command nethttpfloor posts the same AssumeRoleWithWebIdentity form with net/http alone and
// prints the raw reply: no parsing, no validation, no retries. It exists only so that
// bench/size.sh can show the floor every Go HTTPS client pays (net/http, crypto/tls), and so what
// rawsts's sts package and the SDK each add on top of it. It is not a tool to use.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

func main() {
	token, err := os.ReadFile(os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "nethttpfloor:", err)
		os.Exit(1)
	}
	endpoint := os.Getenv("AWS_ENDPOINT_URL_STS")
	if endpoint == "" {
		endpoint = "https://sts.amazonaws.com/"
	}
	resp, err := http.PostForm(endpoint, url.Values{
		"Action":           {"AssumeRoleWithWebIdentity"},
		"Version":          {"2011-06-15"},
		"RoleArn":          {os.Getenv("AWS_ROLE_ARN")},
		"RoleSessionName":  {os.Getenv("AWS_ROLE_SESSION_NAME")},
		"WebIdentityToken": {strings.TrimSpace(string(token))},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "nethttpfloor:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	io.Copy(os.Stdout, resp.Body)
}
