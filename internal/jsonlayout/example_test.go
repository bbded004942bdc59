package jsonlayout_test

import (
	"fmt"

	"github.com/rawsts/rawsts/internal/jsonlayout"
)

// ExampleFormat lays a canonical document out like the one a person wrote: two spaces, the
// principal on one line, the one-element Action list kept a list.
func ExampleFormat() {
	written := []byte(`{
  "Effect": "Allow",
  "Principal": {"Federated": "accounts.google.com"},
  "Action": ["sts:AssumeRoleWithWebIdentity"]
}`)
	like, err := jsonlayout.Parse(written)
	if err != nil {
		fmt.Println(err)
		return
	}
	canonical := []byte(`{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"66677788899900pro0"}}}`)
	out, err := jsonlayout.Format(canonical, like, jsonlayout.IndentOf(written, like))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	// Output:
	// {
	//   "Effect": "Allow",
	//   "Principal": {"Federated": "accounts.google.com"},
	//   "Action": ["sts:AssumeRoleWithWebIdentity"],
	//   "Condition": {"StringEquals": {"accounts.google.com:aud": "66677788899900pro0"}}
	// }
}
