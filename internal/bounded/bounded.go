// Package bounded reads outside bytes — files, standard input, lines typed or piped — through a
// limit, so that /dev/zero, a FIFO that never ends or the wrong file is a clear error naming the
// input and the limit instead of all the machine's memory.
//
// It is for the inputs of cmd/rawsts and the internal packages. The leaf packages (sigv4,
// jwtinspect) import nothing of rawsts's and keep their own small check; HTTP bodies go through
// httpx.ReadBody.
package bounded

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// TooLargeError is an input longer than its limit. Nothing after the limit was read.
type TooLargeError struct {
	// Name is the input: a file's path, or "standard input".
	Name string
	// Max is the limit, in bytes.
	Max int64
}

// Error returns e.g. "/dev/zero is larger than 64 KiB, the limit for it".
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s, the limit for it", e.Name, Size(e.Max))
}

// Size writes n bytes for people: "64 KiB", "1 MiB", "100 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadAll reads r to its end, at most max bytes; more is a [*TooLargeError] for name.
func ReadAll(r io.Reader, name string, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &TooLargeError{Name: name, Max: max}
	}
	return b, nil
}

// ReadFile reads the file at path, at most max bytes; more is a [*TooLargeError]. Unlike
// os.ReadFile it ends on a file without end (/dev/zero, a FIFO whose writer never stops).
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, path, max)
}

// ReadLine reads one line from r and returns it without its line ending ("\n" or "\r\n"). A last
// line without a newline counts; io.EOF means r ended before any byte. A line longer than max
// bytes is a [*TooLargeError] for name, returned as soon as the limit is passed, so that an
// endless stream without a newline ends too.
func ReadLine(r *bufio.Reader, name string, max int) (string, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line)-eolLen(line) > max {
			return "", &TooLargeError{Name: name, Max: int64(max)}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(line) > 0, err == nil:
			return string(line[:len(line)-eolLen(line)]), nil
		default:
			return "", err
		}
	}
}

// eolLen is the length of the line ending at the end of b: "\n", "\r\n", or a "\r" that may be
// the first half of one.
func eolLen(b []byte) int {
	n := len(b)
	switch {
	case n >= 2 && b[n-2] == '\r' && b[n-1] == '\n':
		return 2
	case n >= 1 && (b[n-1] == '\n' || b[n-1] == '\r'):
		return 1
	}
	return 0
}
