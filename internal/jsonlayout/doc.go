// Package jsonlayout lays a JSON document out in the style of another one: the same
// indentation unit, the same objects and lists kept on one line, the same member order, a
// one-element list kept a list, a number or boolean kept unquoted. diagnose --suggest uses it
// to print the corrected trust policy (written by trustpolicy's marshaller, which has one
// canonical form) the way the person wrote the original, so that the diff between the two
// shows the edit and nothing else.
//
// It knows JSON, not policies: it never changes a value, only where the whitespace goes, and
// for a value the original wrote as a number, boolean or one-element list, how the same value is
// spelled.
package jsonlayout
