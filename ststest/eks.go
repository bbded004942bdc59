package ststest

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rawsts/rawsts/eks"
	"github.com/rawsts/rawsts/sigv4"
)

// An EKS token is a presigned GetCallerIdentity that the cluster's authenticator sends: GET,
// the signature in the query, the x-k8s-aws-id header signed, Accept: application/json
// (package eks has the wire notes). STS answers it as it answers any GetCallerIdentity, with
// two differences the authenticator relies on: the URL is good for 15 minutes after its
// X-Amz-Date whatever X-Amz-Expires says (AWS does not document it; aws-iam-authenticator's
// source says it), and Accept: application/json gets the answer in JSON.

// isPresigned reports whether a request carries its signature in the query.
func isPresigned(r *http.Request) bool { return r.URL.Query().Has("X-Amz-Algorithm") }

// wantsJSON reports whether the request asks for JSON (Accept: application/json).
func wantsJSON(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "application/json" {
				return true
			}
		}
	}
	return false
}

// presignedCallerIdentity answers a presigned GetCallerIdentity: the signature checked by
// authenticate with STS's 15 minutes (the x-k8s-aws-id the request carries must be the one
// signed, or the signature differs), then who signed it, in JSON when asked for, else in XML.
// The x-k8s-aws-id header is not required here: STS does not know about EKS; requiring it is
// the cluster's step (eks.Verifier, and the /eks/CLUSTER/authenticate endpoint).
func (e *emulator) presignedCallerIdentity(w http.ResponseWriter, r *http.Request, body []byte, reqID string) {
	now := e.now().UTC()
	caller, _, err := e.authenticateWith(r, body, sigv4.VerifyOptions{Service: "sts", PresignedValidity: eks.ValidFor})
	asJSON := wantsJSON(r)
	if err != nil {
		status, code, msg := stsAuthFailure(err, r, "sts", now)
		if errors.Is(err, sigv4.ErrExpired) {
			// STS's words for a URL past its 15 minutes, as reported in aws-iam-authenticator's
			// issue threads (not documented): the header form's skew message with 15 min.
			code, msg = "SignatureDoesNotMatch", fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
				r.URL.Query().Get("X-Amz-Date"), now.Add(-eks.ValidFor).Format(sigv4.TimeFormat), now.Format(sigv4.TimeFormat))
		}
		e.log(Event{Time: now, Service: "sts", Action: "GetCallerIdentity", Decision: "deny", Code: code, Detail: "presigned: " + msg})
		if asJSON {
			writeJSONError(w, status, "Sender", code, msg, reqID, now)
		} else {
			writeError(w, status, "Sender", code, msg, reqID, now)
		}
		return
	}
	detail := "presigned"
	if id := r.Header.Get(eks.ClusterIDHeader); id != "" {
		detail = "presigned, an EKS token for cluster " + strconv.Quote(id)
	}
	e.log(Event{Time: now, Service: "sts", Action: "GetCallerIdentity", Principal: caller.arn, Decision: "allow", Detail: detail})
	if !asJSON {
		e.getCallerIdentity(w, r, caller, reqID)
		return
	}
	var doc struct {
		GetCallerIdentityResponse struct {
			GetCallerIdentityResult struct {
				Account string
				Arn     string
				UserID  string `json:"UserId"`
			}
			ResponseMetadata struct {
				RequestID string `json:"RequestId"`
			}
		}
	}
	res := &doc.GetCallerIdentityResponse
	res.GetCallerIdentityResult.Account, res.GetCallerIdentityResult.Arn, res.GetCallerIdentityResult.UserID = caller.account, caller.arn, caller.userID
	res.ResponseMetadata.RequestID = reqID
	writeJSON(w, http.StatusOK, reqID, now, doc)
}

// writeJSONError answers an STS error in the JSON STS sends to Accept: application/json:
// {"Error":{"Code":…,"Message":…,"Type":…},"RequestId":…} (PROTOCOL.md §14.2).
func writeJSONError(w http.ResponseWriter, status int, typ, code, msg, reqID string, now time.Time) {
	var doc struct {
		Error struct {
			Code    string
			Message string
			Type    string
		}
		RequestID string `json:"RequestId"`
	}
	doc.Error.Code, doc.Error.Message, doc.Error.Type, doc.RequestID = code, msg, typ, reqID
	writeJSON(w, status, reqID, now, doc)
}

// writeJSON writes v as an STS JSON answer: application/json, X-Amzn-Requestid, Date.
func writeJSON(w http.ResponseWriter, status int, reqID string, now time.Time, v any) {
	b, err := json.Marshal(v)
	if err != nil { // only our own fixed types are marshalled
		http.Error(w, "ststest: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeReply(w, status, reqID, now, "application/json", b)
}
