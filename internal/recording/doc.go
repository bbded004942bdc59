// Package recording reads recorded HTTP exchanges from the sectioned text files under
// testdata/fixtures: free text, then "-- request --" and "-- response --" sections of HTTP/1.1
// text, the pairs repeating for multi-step exchanges (ARCHITECTURE.md, "Fixtures", has the format).
//
// It is the part of the fixture machinery that runs outside tests — the emulator (package
// ststest) answers from recordings — so it imports neither testing nor flag. Replaying
// recordings to a client under test, and golden files, are package internal/fixture's job.
//
// It is not a general HTTP archive format and does not record live traffic: recordings are
// written by hand from AWS documentation, and the parser is strict about their shape.
package recording
