// Package process runs the helper programs rawsts reads secrets from — a profile's
// credential_process, a token command — with the limits every outside input gets: no shell,
// a bounded standard output, a timeout that also ends the wait for the program's children,
// and an error that quotes at most a scrubbed line of the program's standard error.
//
// It is not a general process runner: standard output is read whole into memory (up to a
// small limit) and nothing is streamed.
package process
