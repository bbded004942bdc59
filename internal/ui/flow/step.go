package flow

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/internal/httpx"
	"github.com/rawsts/rawsts/internal/textsafe"
	"github.com/rawsts/rawsts/ststest"
)

// Step is one arrow of the diagram: a request the emulator handled, who asked, what it was
// for and what was decided. It holds no secret: it is made from the request's events and
// scrubbed all the same.
type Step struct {
	// ID is the exchange's number (ststest.Exchange.Seq).
	ID uint64 `json:"id"`
	// Time is when the emulator began handling the request.
	Time time.Time `json:"time"`
	// Service is the protocol, as the emulator's events name it: sts, cognito-idp, iam, s3,
	// ec2, oidc …; the arrow goes to its lifeline (see [Lifelines]; a user pool's issuer is
	// Cognito's).
	Service string `json:"service"`
	// Operation is the action asked for (AdminInitiateAuth, AssumeRoleWithWebIdentity …).
	Operation string `json:"operation"`
	// Resource is what it is on, when the emulator's event names it.
	Resource string `json:"resource,omitempty"`
	// Principal is who asked: a caller's ARN, or a token's issuer and subject.
	Principal string `json:"principal,omitempty"`
	// Decision is "allow" or "deny".
	Decision string `json:"decision"`
	// Status is the answer's HTTP status.
	Status int `json:"status"`
	// Code is a refusal's error code, Check the check that failed (an internal/diagnose check
	// such as policy.condition, or the emulator's permissions, signature, request), Detail why.
	Code   string `json:"code,omitempty"`
	Check  string `json:"check,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Allowed reports whether the step was allowed.
func (s Step) Allowed() bool { return s.Decision == "allow" }

// Lifeline is a column of the diagram.
type Lifeline struct {
	// Key names it in Step.Service terms, after folding ("cognito" for cognito-idp and
	// cognito-identity).
	Key string `json:"key"`
	// Title is its heading.
	Title string `json:"title"`
}

// Lifelines are the diagram's columns, always drawn, in order; a step of another service gets
// a column of its own after them.
var Lifelines = []Lifeline{
	{"client", "your client"}, {"cognito", "Cognito"}, {"sts", "STS"}, {"iam", "IAM"}, {"s3", "S3"}, {"ec2", "EC2"},
}

// poolIssuer is the path of a Cognito user pool's issuer: /REGION_ID.
var poolIssuer = regexp.MustCompile(`/[a-z]{2}(-[a-z]+)+-\d+_[0-9A-Za-z]+$`)

// lifelineOf returns the column of a step: its service's, a user pool's issuer (its discovery
// document, its keys) on Cognito's, another issuer's on one of its own.
func lifelineOf(s Step) Lifeline {
	switch s.Service {
	case "cognito-idp", "cognito-identity":
		return Lifelines[1]
	case "oidc":
		if poolIssuer.MatchString(s.Resource) {
			return Lifelines[1]
		}
		return Lifeline{"oidc", "OIDC issuer"}
	case "":
		return Lifeline{"other", "other"}
	}
	for _, l := range Lifelines[1:] {
		if l.Key == s.Service {
			return l
		}
	}
	return Lifeline{s.Service, strings.ToUpper(s.Service)}
}

// StepOf summarizes an exchange as its arrow, every text scrubbed with secrets (which should
// hold the exchange's secrets: see [ExchangeSecrets]). The decision, principal and check are
// the emulator's events'; a request that made none (a Cognito call that is not a sign-in) is
// named from the request itself and decided by its status.
func StepOf(ex ststest.Exchange, secrets *httpx.Secrets) Step {
	st := Step{ID: ex.Seq, Time: ex.Time, Status: ex.Status}
	var deciding *ststest.Event
	for i := range ex.Events {
		e := &ex.Events[i]
		if deciding == nil || (e.Decision == "deny" && deciding.Decision != "deny") {
			deciding = e
		}
	}
	if deciding != nil {
		st.Service, st.Operation, st.Resource, st.Principal = deciding.Service, deciding.Action, deciding.Resource, deciding.Principal
		st.Decision, st.Code, st.Check, st.Detail = deciding.Decision, deciding.Code, deciding.Check, deciding.Detail
		if st.Principal == "" {
			for _, e := range ex.Events {
				if e.Principal != "" {
					st.Principal = e.Principal
					break
				}
			}
		}
	} else {
		st.Service, st.Operation = requestNames(ex.Request)
		st.Decision = "allow"
		if ex.Status >= 400 {
			st.Decision = "deny"
		}
	}
	clean := func(s string) string { return textsafe.OneLine(secrets.Scrub(s)) }
	st.Service, st.Operation, st.Resource = clean(st.Service), clean(st.Operation), clean(st.Resource)
	st.Principal, st.Code, st.Check, st.Detail = clean(st.Principal), clean(st.Code), clean(st.Check), clean(st.Detail)
	if st.Decision != "allow" {
		st.Decision = "deny"
	}
	return st
}

// requestNames names the service and operation of a request the emulator made no event of:
// a JSON 1.1 call by its X-Amz-Target, a signed call by its credential scope, a Query call by
// its Action; else the method and path.
func requestNames(r ststest.RecordedRequest) (service, operation string) {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		prefix, op, _ := strings.Cut(t, ".")
		switch {
		case strings.HasPrefix(prefix, "AWSCognitoIdentityProviderService"):
			return "cognito-idp", op
		case strings.HasPrefix(prefix, "AWSCognitoIdentityService"):
			return "cognito-identity", op
		}
		return "", t
	}
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "AWS4-") {
		if _, cred, ok := strings.Cut(a, "Credential="); ok {
			if p := strings.Split(strings.SplitN(cred, ",", 2)[0], "/"); len(p) == 5 {
				service = p[3]
			}
		}
	}
	if service == "" {
		service = "sts"
	}
	if a := r.Form.Get("Action"); a != "" {
		return service, a
	}
	path, _, _ := strings.Cut(r.Target, "?")
	return service, r.Method + " " + path
}

// ExchangeSecrets returns the secrets an exchange carries by name — its request's form
// fields, headers and body members, and its answer's (the tracer's rules, internal/httpx) —
// together with held, the values the emulator holds (keys, passwords, client secrets).
func ExchangeSecrets(ex ststest.Exchange, held []string) *httpx.Secrets {
	s := httpx.NewSecrets(held...)
	s.AddForm(ex.Request.Form)
	s.AddHeader(ex.Request.Header)
	s.AddBody(ex.Request.Header.Get("Content-Type"), ex.Request.Body)
	for _, t := range ex.Request.Form["WebIdentityToken"] {
		s.Add(strings.TrimSpace(t))
	}
	s.AddHeader(ex.Header)
	s.AddBody(ex.Header.Get("Content-Type"), ex.Body)
	return s
}

// statusLine is the answer's status line as the tracer shows it.
func statusLine(code int) string {
	return "HTTP/1.1 " + strings.TrimSpace(strconv.Itoa(code)+" "+http.StatusText(code))
}
