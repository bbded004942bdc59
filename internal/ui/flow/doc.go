// Package flow is the live view of `rawsts emulator --ui`: every request the emulator handles
// drawn, as it happens, as an arrow of a sequence diagram (lifelines: your client, Cognito,
// STS, IAM, S3, EC2), and each arrow opened to the request and the answer as they were on the
// wire.
//
// A [Recorder] takes the emulator's exchanges (ststest.WithExchanges) into a ring of the last
// [MaxSteps] and serves them as a [ui.Section] of the local page, behind its guards (the Host
// it was started on, the session key). An exchange's arrow ([Step]) is made from the
// emulator's own events — the operation, the principal, allow or refuse, the failing check —
// and the wire is shown as `--trace` shows it: internal/httpx's TraceRequest and
// TraceResponse, secrets hidden by name and by value with the tracer's rules, unless the
// person asks to see one request's on the page. A refusal decided by a diagnose check shows
// that check as `rawsts diagnose` words it (its detail, evidence and fix, carried by the
// emulator's event).
//
// [Diagram] lays the steps out as SVG elements and [Render] writes them as a standalone SVG
// file: the one renderer of the page (whose script builds the elements from the tree's JSON),
// of `rawsts demo --diagram` and of the README's picture.
package flow
