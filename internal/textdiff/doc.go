// Package textdiff writes the line-based unified diff of two texts, as `diff -u` does: Myers'
// O(ND) shortest edit script ("An O(ND) Difference Algorithm and Its Variations", 1986), then
// hunks with three lines of context.
//
// It is for showing a person a small edit of a small document (diagnose --suggest's corrected
// trust policy), not for patches of large files: the work grows with the product of the text's
// length and the number of differing lines.
package textdiff
