package creds_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeEmbedItMatchesExample: the Go block of README.md's "Embed it" is the code of
// example_test.go between its embed-it markers, so the README shows code that compiles and
// runs (ExampleNewCache).
func TestReadmeEmbedItMatchesExample(t *testing.T) {
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, code, ok := strings.Cut(string(src), "// embed-it: begin\n\n")
	code, _, ok2 := strings.Cut(code, "\n// embed-it: end")
	if !ok || !ok2 {
		t.Fatal("example_test.go has no embed-it markers")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Embed it\n")
	_, block, ok2 := strings.Cut(section, "\n```go\n")
	block, _, ok3 := strings.Cut(block, "```\n")
	if !ok || !ok2 || !ok3 {
		t.Fatal("README.md has no Go block under ## Embed it")
	}
	if block != code {
		t.Errorf("README.md's Embed it block differs from example_test.go's embed-it code:\n--- README\n%s--- example_test.go\n%s", block, code)
	}
}
