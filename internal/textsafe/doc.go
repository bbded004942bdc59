// Package textsafe makes text that came from outside (a server's error message, a reply's body,
// a header, a claim of a token, a certificate's subject) safe to print on a terminal or in a log.
//
// Such text may carry control characters: an ESC sequence recolours or clears the terminal, a
// carriage return moves the cursor back over what was printed, a newline starts a line that
// looks like one of rawsts's own ("rawsts: …"), and Unicode format characters such as the
// bidirectional overrides (U+202A–U+202E, U+2066–U+2069) reorder what the reader sees.
// [OneLine] escapes every such character the way %q does (\x1b, \n, \u202e …), so the text
// prints on one line and shows exactly what was sent. [Line] does the same for one line of a
// multi-line display, keeping tabs.
//
// It is not for escaping into a format (JSON, a shell, an INI file): those have their own
// rules.
package textsafe
