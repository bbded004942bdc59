package textdiff_test

import (
	"fmt"

	"github.com/rawsts/rawsts/internal/textdiff"
)

func ExampleUnified() {
	before := "{\n  \"Action\": \"sts:AssumeRole\"\n}\n"
	after := "{\n  \"Action\": \"sts:AssumeRoleWithWebIdentity\"\n}\n"
	fmt.Print(textdiff.Unified("trust-policy.json", "trust-policy.json (suggested)", before, after))
	// Output:
	// --- trust-policy.json
	// +++ trust-policy.json (suggested)
	// @@ -1,3 +1,3 @@
	//  {
	// -  "Action": "sts:AssumeRole"
	// +  "Action": "sts:AssumeRoleWithWebIdentity"
	//  }
}
