package ststest_test

import "github.com/rawsts/rawsts/ststest"

// The keys of the S3 and EC2 fixtures (testdata/fixtures/s3, testdata/fixtures/ec2): AWS's
// documented EXAMPLE values.
const (
	// fixtureSessionKey, fixtureSessionSecret and fixtureSessionToken are a session of TestRole
	// named demo, expiring at 13:36:00Z on 2015-08-30 (the time of the SigV4 test suite).
	fixtureSessionKey    = "ASIAIOSFODNN7EXAMPLE"
	fixtureSessionSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	fixtureSessionToken  = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
	// bobKey and bobSecret are the IAM user Bob's, who has no policies.
	bobKey    = "AKIAI44QH8DHBEXAMPLE"
	bobSecret = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
)

// fixtureConfig is the account the S3 and EC2 fixtures were recorded against: DefaultConfig
// (Alice with walkthrough-admin, TestRole with AmazonS3ReadOnlyAccess, the bucket and the
// instance) with fixed times, the user Bob without policies and a session of TestRole.
func fixtureConfig() ststest.Config {
	c := ststest.DefaultConfig()
	c.Users = append(c.Users, ststest.User{UserName: "Bob", UserID: "AIDAI44QH8DHBEXAMPLE",
		AccessKeys: []ststest.AccessKey{{AccessKeyID: bobKey, SecretAccessKey: bobSecret}}})
	c.Buckets[0].CreationDate = "2019-12-11T23:32:47Z"
	for i := range c.Buckets[0].Objects {
		c.Buckets[0].Objects[i].LastModified = "2009-10-12T17:50:30Z"
	}
	c.Instances[0].LaunchTime = "2018-05-08T16:46:19Z"
	c.Sessions = []ststest.Session{{
		AccessKeyID: fixtureSessionKey, SecretAccessKey: fixtureSessionSecret, SessionToken: fixtureSessionToken,
		Expiration: "2015-08-30T13:36:00Z", Arn: "arn:aws:sts::123456789012:assumed-role/TestRole/demo",
		UserID: "AROA3XFRBF535PLBIFPI4:demo", RoleArn: ststest.DefaultRoleArn,
	}}
	return c
}
