// Package ini reads and edits the INI files of the AWS CLI (~/.aws/config and
// ~/.aws/credentials) the way the AWS CLI reads them: botocore hands them to Python's
// configparser.RawConfigParser with its defaults, and this package keeps its rules.
//
//   - A line whose first non-blank character is '#' or ';' is a comment; there are no inline
//     comments ("key = a # b" has the value "a # b").
//   - "[NAME]" starts a section; NAME is the text between the first '[' and the last ']',
//     with surrounding blanks removed (configparser keeps them; nobody writes them).
//   - "key = value" or "key: value": the first '=' or ':' splits; the key is lower-cased and
//     both sides are trimmed.
//   - A line indented deeper than its key line continues that key's value (botocore's nested
//     settings such as "s3 =" followed by "  max_concurrent_requests = 20").
//   - A key outside any section, a line that is neither, an empty key, a section or a key
//     given twice (keys compared lower-cased) are errors naming the line, never its text:
//     configparser's strict mode refuses the same files, and the AWS CLI then reads nothing.
//
// One line scanner ([Scan]) serves both the reader ([Parse]) and the editor ([Update]), so
// that an edit changes the lines it must and keeps every other byte — other sections,
// comments, blank lines, order and line endings — as it was.
//
// It is not a general INI library: no interpolation, no DEFAULT inheritance (configparser's
// [DEFAULT] section is read as an ordinary section), no quoting or escapes. It knows nothing
// of profiles; internal/awsconfig gives the sections their AWS meaning.
package ini
