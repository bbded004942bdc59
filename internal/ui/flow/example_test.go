package flow_test

import (
	"fmt"
	"regexp"

	"github.com/rawsts/rawsts/internal/ui/flow"
)

// Render draws steps as a standalone SVG: one arrow per step, a refused one marked.
func ExampleRender() {
	svg := flow.Render([]flow.Step{
		{ID: 1, Service: "s3", Operation: "ListBuckets", Principal: "arn:aws:sts::123456789012:assumed-role/TestRole/demo", Decision: "allow", Status: 200},
		{ID: 2, Service: "ec2", Operation: "DescribeInstances", Decision: "deny", Status: 403, Code: "UnauthorizedOperation", Check: "permissions"},
	})
	for _, m := range regexp.MustCompile(`<g class="arrow (\w+)" data-id="(\d+)"[^>]*data-operation="(\w+)"`).FindAllStringSubmatch(string(svg), -1) {
		fmt.Println(m[2], m[3], m[1])
	}
	fmt.Println(regexp.MustCompile(`>(refused \w+)<`).FindStringSubmatch(string(svg))[1])
	// Output:
	// 1 ListBuckets allow
	// 2 DescribeInstances deny
	// refused UnauthorizedOperation
}
