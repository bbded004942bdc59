package sts

import (
	"regexp"

	"github.com/rawsts/rawsts/internal/httpx"
)

// Endpoint is where a call goes and which region its signature names.
type Endpoint struct {
	// URL is the full endpoint URL, e.g. "https://sts.us-east-1.amazonaws.com".
	URL string
	// SigningRegion is the region of the SigV4 credential scope, e.g. "us-east-1".
	SigningRegion string
}

// EndpointOptions are the switches of the STS endpoint rule set.
type EndpointOptions struct {
	// UseFIPS selects the FIPS endpoint of the region.
	UseFIPS bool
	// UseDualStack selects the IPv4/IPv6 endpoint of the region.
	UseDualStack bool
	// UseGlobalEndpoint is the legacy global mode (AWS_STS_REGIONAL_ENDPOINTS=legacy): the 16
	// regions that once used sts.amazonaws.com keep using it.
	UseGlobalEndpoint bool
	// URL is a custom endpoint, used verbatim (https, or http only to a loopback host).
	URL string
}

// partition is one AWS partition as the endpoint rules see it.
type partition struct {
	name              string
	regionRegex       *regexp.Regexp
	regions           []string // regions named explicitly (matched before the regexes)
	dnsSuffix         string
	dualStackSuffix   string
	supportsFIPS      bool
	supportsDualStack bool
}

// partitions is botocore's partitions.json (boto/botocore @ 0e6e2404b85d), in its order; the
// first one, aws, is also the fallback for a region no partition claims.
var partitions = []partition{
	{"aws", regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$`), []string{"aws-global"}, "amazonaws.com", "api.aws", true, true},
	{"aws-cn", regexp.MustCompile(`^cn\-\w+\-\d+$`), []string{"aws-cn-global"}, "amazonaws.com.cn", "api.amazonwebservices.com.cn", true, true},
	{"aws-eusc", regexp.MustCompile(`^eusc\-(de)\-\w+\-\d+$`), nil, "amazonaws.eu", "api.amazonwebservices.eu", true, true},
	{"aws-iso", regexp.MustCompile(`^us\-iso\-\w+\-\d+$`), []string{"aws-iso-global"}, "c2s.ic.gov", "api.aws.ic.gov", true, true},
	{"aws-iso-b", regexp.MustCompile(`^us\-isob\-\w+\-\d+$`), []string{"aws-iso-b-global"}, "sc2s.sgov.gov", "api.aws.scloud", true, true},
	{"aws-iso-e", regexp.MustCompile(`^eu\-isoe\-\w+\-\d+$`), []string{"aws-iso-e-global"}, "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", true, true},
	{"aws-iso-f", regexp.MustCompile(`^us\-isof\-\w+\-\d+$`), []string{"aws-iso-f-global"}, "csp.hci.ic.gov", "api.aws.hci.ic.gov", true, true},
	{"aws-us-gov", regexp.MustCompile(`^us\-gov\-\w+\-\d+$`), []string{"aws-us-gov-global"}, "amazonaws.com", "api.aws", true, true},
}

// partitionOf is the rule set's aws.partition function: an explicitly listed region first,
// then the region regexes, then the aws partition.
func partitionOf(region string) *partition {
	for i := range partitions {
		for _, r := range partitions[i].regions {
			if r == region {
				return &partitions[i]
			}
		}
	}
	for i := range partitions {
		if partitions[i].regionRegex.MatchString(region) {
			return &partitions[i]
		}
	}
	return &partitions[0]
}

// legacyGlobalRegions are the regions that use sts.amazonaws.com in legacy global mode.
var legacyGlobalRegions = map[string]bool{
	"ap-northeast-1": true, "ap-south-1": true, "ap-southeast-1": true, "ap-southeast-2": true,
	"aws-global": true, "ca-central-1": true, "eu-central-1": true, "eu-north-1": true,
	"eu-west-1": true, "eu-west-2": true, "eu-west-3": true, "sa-east-1": true,
	"us-east-1": true, "us-east-2": true, "us-west-1": true, "us-west-2": true,
}

// hostLabel is what a region must look like to become part of a host name.
var hostLabel = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)

const globalURL = "https://sts.amazonaws.com"

// ResolveEndpoint applies the STS endpoint rule set (botocore's endpoint-rule-set-1.json) to a
// region and options. It is pure: no I/O, no environment. The regional endpoint is the
// default, so "us-east-1" gives https://sts.us-east-1.amazonaws.com; "aws-global" gives
// https://sts.amazonaws.com signed for us-east-1. Errors are [*InputError] with Field
// "Endpoint" and the rule set's own message, e.g. "Invalid Configuration: Missing Region".
func ResolveEndpoint(region string, opts EndpointOptions) (Endpoint, error) {
	if region != "" && !hostLabel.MatchString(region) {
		return Endpoint{}, inputErr("Region", "%q is not a region name (want e.g. us-east-1)", region)
	}
	// 1. Legacy global mode.
	if opts.UseGlobalEndpoint && opts.URL == "" && region != "" && !opts.UseFIPS && !opts.UseDualStack {
		if legacyGlobalRegions[region] {
			return Endpoint{URL: globalURL, SigningRegion: "us-east-1"}, nil
		}
		return Endpoint{URL: "https://sts." + region + "." + partitionOf(region).dnsSuffix, SigningRegion: region}, nil
	}
	// 2. Custom endpoint.
	if opts.URL != "" {
		if opts.UseFIPS {
			return Endpoint{}, inputErr("Endpoint", "Invalid Configuration: FIPS and custom endpoint are not supported")
		}
		if opts.UseDualStack {
			return Endpoint{}, inputErr("Endpoint", "Invalid Configuration: Dualstack and custom endpoint are not supported")
		}
		if _, err := httpx.CheckEndpoint(opts.URL); err != nil {
			return Endpoint{}, inputErr("Endpoint", "%v", err)
		}
		signing := region
		if signing == "" || signing == "aws-global" {
			signing = "us-east-1"
		}
		return Endpoint{URL: opts.URL, SigningRegion: signing}, nil
	}
	// 4. No region.
	if region == "" {
		return Endpoint{}, inputErr("Endpoint", "Invalid Configuration: Missing Region")
	}
	// 3. Region set.
	p := partitionOf(region)
	switch {
	case opts.UseFIPS && opts.UseDualStack:
		if !p.supportsFIPS || !p.supportsDualStack {
			return Endpoint{}, inputErr("Endpoint", "FIPS and DualStack are enabled, but this partition does not support one or both")
		}
		return Endpoint{URL: "https://sts-fips." + region + "." + p.dualStackSuffix, SigningRegion: region}, nil
	case opts.UseFIPS:
		if !p.supportsFIPS {
			return Endpoint{}, inputErr("Endpoint", "FIPS is enabled but this partition does not support FIPS")
		}
		if p.name == "aws-us-gov" {
			return Endpoint{URL: "https://sts." + region + ".amazonaws.com", SigningRegion: region}, nil
		}
		return Endpoint{URL: "https://sts-fips." + region + "." + p.dnsSuffix, SigningRegion: region}, nil
	case opts.UseDualStack:
		if !p.supportsDualStack {
			return Endpoint{}, inputErr("Endpoint", "DualStack is enabled but this partition does not support DualStack")
		}
		return Endpoint{URL: "https://sts." + region + "." + p.dualStackSuffix, SigningRegion: region}, nil
	case region == "aws-global":
		return Endpoint{URL: globalURL, SigningRegion: "us-east-1"}, nil
	}
	return Endpoint{URL: "https://sts." + region + "." + p.dnsSuffix, SigningRegion: region}, nil
}

// Partition returns the name of the AWS partition region belongs to under the endpoint rules
// ("aws", "aws-cn", "aws-us-gov", "aws-iso" …); a region no partition claims is in "aws", as
// the rules have it. A verifier of presigned STS URLs (an EKS cluster's authenticator) uses
// it to keep a token to its own partition.
func Partition(region string) string { return partitionOf(region).name }
