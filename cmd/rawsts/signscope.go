package main

import (
	"fmt"
	"net"
	"strings"
)

// globalServices are the services whose endpoint without a region label
// (SERVICE.amazonaws.com) signs with us-east-1.
var globalServices = map[string]bool{
	"sts": true, "iam": true, "s3": true, "ec2": true, "route53": true,
	"cloudfront": true, "organizations": true, "sqs": true, "sdb": true,
}

// signingNames maps the few endpoint labels whose signing name differs from the label.
var signingNames = map[string]string{
	"email":      "ses",    // email.REGION.amazonaws.com
	"s3-control": "s3",     // ACCOUNT.s3-control.REGION.amazonaws.com
	"lambda-url": "lambda", // ID.lambda-url.REGION.on.aws
	"api.ecr":    "ecr",    // api.ecr.REGION.amazonaws.com
}

// inferScope works out the service and region to sign for from an AWS host name, as curl's
// --aws-sigv4 does when it is given only the provider: the label in front of the region label is
// the service (sts.eu-west-1.amazonaws.com, ID.execute-api.us-east-1.amazonaws.com,
// BUCKET.s3.eu-west-1.amazonaws.com, sts-fips.us-east-2.amazonaws.com,
// s3.dualstack.eu-west-1.amazonaws.com); S3's legacy s3-REGION labels count as both; a host
// with no region label is a global endpoint, which signs with us-east-1 for the services that
// have one (sts, iam, s3, ec2 …), and iam.us-gov.amazonaws.com signs with us-gov-west-1.
// Lambda function URLs (ID.lambda-url.REGION.on.aws) sign for lambda. Any other host is an
// error naming what could not be inferred.
func inferScope(host string) (service, region string, err error) {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if hp, _, splitErr := net.SplitHostPort(h); splitErr == nil {
		h = hp
	}
	var prefix string
	for _, suffix := range []string{".amazonaws.com.cn", ".amazonaws.com", ".on.aws"} {
		if strings.HasSuffix(h, suffix) && len(h) > len(suffix) {
			prefix = strings.TrimSuffix(h, suffix)
			break
		}
	}
	if prefix == "" {
		return "", "", fmt.Errorf("cannot infer the service and region from the host %s, which is not an AWS endpoint (*.amazonaws.com, *.amazonaws.com.cn, *.on.aws); pass --service and --region", host)
	}
	labels := strings.Split(prefix, ".")
	if prefix == "iam.us-gov" {
		return "iam", "us-gov-west-1", nil
	}
	for i := len(labels) - 1; i >= 0; i-- {
		l := labels[i]
		switch {
		case isRegion(l):
			svc := serviceBefore(labels[:i])
			if svc == "" {
				return "", "", fmt.Errorf("the host %s names the region %s but no service before it; pass --service", host, l)
			}
			return svc, l, nil
		case strings.HasPrefix(l, "s3-") && isRegion(l[3:]):
			return "s3", l[3:], nil
		case l == "s3-external-1":
			return "s3", "us-east-1", nil
		}
	}
	svc := signingName(strings.TrimSuffix(labels[len(labels)-1], "-fips"))
	if globalServices[svc] {
		return svc, "us-east-1", nil
	}
	return "", "", fmt.Errorf("cannot infer the region from the host %s (no region label, and %q has no global endpoint that rawsts knows); pass --region (and --service if %q is not the signing name)", host, svc, svc)
}

// serviceBefore returns the signing name of the nearest label that names a service, skipping
// "dualstack" and "fips" and dropping a "-fips" suffix; "" when there is none.
func serviceBefore(labels []string) string {
	for i := len(labels) - 1; i >= 0; i-- {
		l := labels[i]
		if l == "dualstack" || l == "fips" || l == "" {
			continue
		}
		if i > 0 {
			if name, ok := signingNames[labels[i-1]+"."+l]; ok {
				return name
			}
		}
		return signingName(strings.TrimSuffix(l, "-fips"))
	}
	return ""
}

func signingName(label string) string {
	if name, ok := signingNames[label]; ok {
		return name
	}
	return label
}

// isRegion reports whether a host label has the shape of an AWS region: two letters, one or
// more lower-case words and a number, joined by dashes (us-east-1, us-gov-west-1,
// ap-southeast-2, cn-north-1, us-iso-east-1).
func isRegion(l string) bool {
	parts := strings.Split(l, "-")
	if len(parts) < 3 || len(parts[0]) != 2 {
		return false
	}
	for _, p := range parts[:len(parts)-1] {
		if p == "" || strings.Trim(p, "abcdefghijklmnopqrstuvwxyz") != "" {
			return false
		}
	}
	last := parts[len(parts)-1]
	return last != "" && strings.Trim(last, "0123456789") == ""
}
