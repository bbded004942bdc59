package ststest

import (
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rawsts/rawsts/trustpolicy"
)

// Encoded authorization failure messages: the opaque text some AWS services append to a
// refusal ("… Encoded authorization failure message: …", EC2's StartInstances and
// StopInstances here; not DescribeInstances or S3, whose refusals carry none) and that STS
// DecodeAuthorizationMessage turns into a JSON document for a caller allowed
// sts:DecodeAuthorizationMessage.
//
// The emulator seals the decoded document itself: DEFLATE-compressed JSON, encrypted and
// authenticated with AES-256-GCM under a key made at random for each server, in base64url
// without padding (the alphabet of AWS's messages). So a message is opaque, any change to it
// makes it undecodable, and a message of another emulator instance (another key) is refused
// with InvalidAuthorizationMessageException, as STS refuses a message that is not its own. AWS's
// own format is not documented and is not imitated.

// maxEncodedMessage is the longest EncodedMessage DecodeAuthorizationMessage takes (the STS API
// reference: length 1–10240).
const maxEncodedMessage = 10240

// messageAAD binds a sealed message to its purpose and format version.
var messageAAD = []byte("ststest authorization message v1")

// messageBox seals and opens encoded authorization messages with the server's key. The zero
// value is ready: the key is made on first use.
type messageBox struct {
	once sync.Once
	aead cipher.AEAD
}

func (b *messageBox) cipher() cipher.AEAD {
	b.once.Do(func() {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			panic(fmt.Sprintf("ststest: crypto/rand: %v", err))
		}
		block, _ := aes.NewCipher(key) // a 32-byte key is always valid
		b.aead, _ = cipher.NewGCM(block)
	})
	return b.aead
}

// seal returns the encoded message of doc, at most maxEncodedMessage characters: a document
// too large for that loses the conditions of its statements and then of its context, and says
// so in failures.
func (b *messageBox) seal(doc *authzDocument) string {
	for attempt := 0; ; attempt++ {
		plain := doc.marshal()
		var z bytes.Buffer
		fw, _ := flate.NewWriter(&z, flate.BestCompression) // the level is valid
		fw.Write(plain)
		fw.Close()
		aead := b.cipher()
		nonce := make([]byte, aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			panic(fmt.Sprintf("ststest: crypto/rand: %v", err))
		}
		out := base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, z.Bytes(), messageAAD))
		if len(out) <= maxEncodedMessage || attempt == 2 {
			return out
		}
		doc.shrink(attempt)
	}
}

// errInvalidMessage is open's answer to a message this server did not seal.
var errInvalidMessage = errors.New("ststest: not an authorization message of this server")

// open returns the decoded document (JSON) of a message seal made.
func (b *messageBox) open(msg string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(msg)
	aead := b.cipher()
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, errInvalidMessage
	}
	n := aead.NonceSize()
	z, err := aead.Open(nil, raw[:n], raw[n:], messageAAD)
	if err != nil {
		return nil, errInvalidMessage
	}
	// The plaintext is the server's own, so its size is bounded by what seal wrote; the
	// limit is a second guard.
	plain, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), 1<<20))
	if err != nil {
		return nil, errInvalidMessage
	}
	return plain, nil
}

// authzDocument is the decoded authorization message, in the JSON layout of the example in
// the AWS CLI Command Reference for `aws sts decode-authorization-message` (aws-cli
// awscli/examples/sts/decode-authorization-message.rst): allowed, explicitDeny,
// matchedStatements {items: [{statementId, effect ("DENY"), principals, principalGroups,
// actions, resources, conditions}]}, failures {items}, context {principal {id, arn}, action
// (the operation's name without the service prefix, "RunInstances" there), resource,
// conditions {items: [{key, values {items: [{value}]}}]}}. Not documented, so chosen here
// (unverified): principal.name for an IAM user (the older botocore example has it);
// statementId left out for a statement without a Sid; a matched statement's conditions as
// {key, values} of its condition keys (operator not shown); NotAction and NotResource not
// listed; failures always empty but for the note seal adds when it shrinks the document.
type authzDocument struct {
	Allowed           bool                       `json:"allowed"`
	ExplicitDeny      bool                       `json:"explicitDeny"`
	MatchedStatements itemList[matchedStatement] `json:"matchedStatements"`
	Failures          itemList[valueItem]        `json:"failures"`
	Context           authzContext               `json:"context"`
}

// itemList is AWS's {"items": [...]} list; Items is never nil, so an empty list is [].
type itemList[T any] struct {
	Items []T `json:"items"`
}

func items[T any](list []T) itemList[T] {
	if list == nil {
		list = []T{}
	}
	return itemList[T]{Items: list}
}

type valueItem struct {
	Value string `json:"value"`
}

func values(list []string) itemList[valueItem] {
	out := make([]valueItem, len(list))
	for i, v := range list {
		out[i] = valueItem{Value: v}
	}
	return items(out)
}

type matchedStatement struct {
	StatementID     string                  `json:"statementId,omitempty"`
	Effect          string                  `json:"effect"`
	Principals      itemList[valueItem]     `json:"principals"`
	PrincipalGroups itemList[valueItem]     `json:"principalGroups"`
	Actions         itemList[valueItem]     `json:"actions"`
	Resources       itemList[valueItem]     `json:"resources"`
	Conditions      itemList[conditionItem] `json:"conditions"`
}

type conditionItem struct {
	Key    string              `json:"key"`
	Values itemList[valueItem] `json:"values"`
}

type authzContext struct {
	Principal  authzPrincipal          `json:"principal"`
	Action     string                  `json:"action"`
	Resource   string                  `json:"resource"`
	Conditions itemList[conditionItem] `json:"conditions"`
}

type authzPrincipal struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Arn  string `json:"arn"`
}

// marshal writes the document as compact JSON without HTML escaping.
func (d *authzDocument) marshal() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(d) // only strings, booleans and lists: cannot fail
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// shrink drops detail from a document too large to encode: first the statements' conditions,
// then the context's.
func (d *authzDocument) shrink(step int) {
	note := "the emulator left out the conditions of the matched statements: the message would exceed 10240 characters"
	if step == 0 {
		for i := range d.MatchedStatements.Items {
			d.MatchedStatements.Items[i].Conditions = items[conditionItem](nil)
		}
	} else {
		d.Context.Conditions = items[conditionItem](nil)
		note = "the emulator left out the request's conditions: the message would exceed 10240 characters"
	}
	d.Failures.Items = append(d.Failures.Items, valueItem{Value: note})
}

// newAuthzDocument describes a refusal: who (caller), which operation (the service's name for
// it, e.g. StopInstances), the request context and the decision.
func newAuthzDocument(caller identity, operation string, ctx *trustpolicy.Context, a trustpolicy.Authorization) *authzDocument {
	d := &authzDocument{
		ExplicitDeny:      a.Decision == trustpolicy.ExplicitDeny,
		MatchedStatements: items[matchedStatement](nil),
		Failures:          items[valueItem](nil),
		Context: authzContext{
			Principal:  authzPrincipal{ID: caller.userID, Arn: caller.arn},
			Action:     operation,
			Resource:   ctx.Resource,
			Conditions: contextConditions(ctx),
		},
	}
	principalID := caller.userID
	if caller.roleARN != "" {
		principalID, _, _ = strings.Cut(caller.userID, ":") // the role's id, AROA…
	} else if i := strings.LastIndexByte(caller.arn, '/'); i >= 0 {
		d.Context.Principal.Name = caller.arn[i+1:]
	}
	if d.ExplicitDeny {
		for _, ref := range a.Decisive {
			st := ref.Statement
			var conds []conditionItem
			for _, c := range st.Conditions {
				conds = append(conds, conditionItem{Key: c.Key, Values: values(c.Values)})
			}
			d.MatchedStatements.Items = append(d.MatchedStatements.Items, matchedStatement{
				StatementID: st.Sid, Effect: strings.ToUpper(st.Effect),
				Principals: values([]string{principalID}), PrincipalGroups: items[valueItem](nil),
				Actions: values(st.Action), Resources: values(st.Resource), Conditions: items(conds),
			})
		}
	}
	return d
}

// contextConditions lists the request context's keys and values, sorted by key.
func contextConditions(ctx *trustpolicy.Context) itemList[conditionItem] {
	keys := ctx.Keys()
	sort.Strings(keys)
	out := make([]conditionItem, 0, len(keys))
	for _, k := range keys {
		v, _ := ctx.Lookup(k)
		out = append(out, conditionItem{Key: k, Values: values(v)})
	}
	return items(out)
}

// STS's words for DecodeAuthorizationMessage's own refusals. "Invalid authorization message" is
// the text of the recorded fixture decode-authorization-message-error-invalid (unverified).
const msgInvalidAuthorizationMessage = "Invalid authorization message"

// decodeAuthorizationMessage answers STS DecodeAuthorizationMessage: the caller needs
// sts:DecodeAuthorizationMessage (trustpolicy.Authorize on its policies; refused with
// AccessDenied "User: ARN is not authorized to perform: sts:DecodeAuthorizationMessage", as
// the recorded fixture has it), EncodedMessage must be 1–10240 characters (ValidationError) and
// one this server sealed (else InvalidAuthorizationMessageException, 400).
func (e *emulator) decodeAuthorizationMessage(w http.ResponseWriter, r *http.Request, caller identity, reqID string) {
	now := e.now().UTC()
	const action = "DecodeAuthorizationMessage"
	msg, present := r.Form["EncodedMessage"]
	switch {
	case !present:
		e.refuseSTS(w, reqID, now, action, caller.arn, http.StatusBadRequest, "ValidationError",
			"1 validation error detected: Value null at 'encodedMessage' failed to satisfy constraint: Member must not be null", checkRequest, "")
		return
	case len(msg[0]) < 1 || len(msg[0]) > maxEncodedMessage:
		e.refuseSTS(w, reqID, now, action, caller.arn, http.StatusBadRequest, "ValidationError", fmt.Sprintf(
			"1 validation error detected: Value at 'encodedMessage' failed to satisfy constraint: Member must have length between 1 and %d", maxEncodedMessage), checkRequest, "")
		return
	}
	ctx, a := e.authorize(r, caller, request{action: "sts:DecodeAuthorizationMessage", resource: "*", region: signingRegion(r)})
	if a.Decision != trustpolicy.Allow {
		e.refuseSTS(w, reqID, now, action, caller.arn, http.StatusForbidden, "AccessDenied",
			"User: "+caller.arn+" is not authorized to perform: sts:DecodeAuthorizationMessage", checkPermissions, a.Reason(ctx))
		return
	}
	doc, err := e.messages.open(msg[0])
	if err != nil {
		e.refuseSTS(w, reqID, now, action, caller.arn, http.StatusBadRequest, "InvalidAuthorizationMessageException",
			msgInvalidAuthorizationMessage, checkRequest, "the message was not sealed by this emulator, or was changed")
		return
	}
	e.log(Event{Time: now, Service: "sts", Action: action, Principal: caller.arn, Decision: "allow", Detail: a.Reason(ctx)})
	writeXML(w, http.StatusOK, reqID, now, &decodeAuthorizationMessageResponse{
		Xmlns: namespace, RequestID: reqID, Result: decodedMessage{DecodedMessage: string(doc)},
	})
}

// refuseSTS answers an STS ErrorResponse and logs the refusal.
func (e *emulator) refuseSTS(w http.ResponseWriter, reqID string, now time.Time, action, who string, status int, code, msg, check, detail string) {
	e.log(Event{Time: now, Service: "sts", Action: action, Principal: who, Decision: "deny", Code: code, Check: check, Detail: detail})
	writeError(w, status, "Sender", code, msg, reqID, now)
}

type decodeAuthorizationMessageResponse struct {
	XMLName   xml.Name       `xml:"DecodeAuthorizationMessageResponse"`
	Xmlns     string         `xml:"xmlns,attr"`
	Result    decodedMessage `xml:"DecodeAuthorizationMessageResult"`
	RequestID string         `xml:"ResponseMetadata>RequestId"`
}

type decodedMessage struct {
	DecodedMessage string `xml:"DecodedMessage"`
}
