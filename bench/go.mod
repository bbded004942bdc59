module github.com/rawsts/rawsts/bench

go 1.22

require (
	github.com/aws/aws-sdk-go-v2 v1.39.2
	github.com/rawsts/rawsts v0.0.0
)

require github.com/aws/smithy-go v1.23.0 // indirect

replace github.com/rawsts/rawsts => ../
