package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestReadmeDiagnoseOutput: the README's diagnose and inspect examples are real output. Every
// `$ rawsts …` block of "Why was I denied?" and "Diagnose without the token" (and those of
// "Inspect a token" whose files are in examples/diagnose) is run, in the directory the README's
// `$ cd` puts it in, with `$A` as the README defines it; each line the README shows must be in
// the output (standard error, then standard output), in order. A line "…" stands for lines
// left out, and a block may leave lines out without one when its prose says so.
func TestReadmeDiagnoseOutput(t *testing.T) {
	readme := readFile(t, filepath.Join("..", "..", "README.md"))
	a := regexp.MustCompile("`A` stands for\\s+`([^`]+)`").FindStringSubmatch(readme)
	if a == nil {
		t.Fatal("README.md no longer says what $A stands for")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	chdir(t, root)
	ran := map[string]int{}
	for _, sec := range []struct {
		heading string
		all     bool // every block must run (else a block whose files are not in the repository is left out)
	}{{"## Inspect a token", false}, {"## Why was I denied?", true}, {"### Diagnose without the token", true}} {
		_, body, ok := strings.Cut(readme, "\n"+sec.heading+"\n")
		if !ok {
			t.Fatalf("README.md has no %q", sec.heading)
		}
		if i := regexp.MustCompile(`\n#{2,3} `).FindStringIndex(body); i != nil {
			body = body[:i[0]]
		}
		for _, block := range readmeBlocks(body) {
			for _, cmd := range block.commands {
				if dir, ok := strings.CutPrefix(cmd.line, "cd "); ok {
					chdir(t, filepath.Join(root, dir))
					continue
				}
				args := shellWords(t, strings.ReplaceAll(cmd.line, "$A", a[1]))
				if len(args) == 0 || args[0] != "rawsts" {
					t.Fatalf("README.md: %q is not a rawsts command", cmd.line)
				}
				if !sec.all && !filesExist(args) {
					continue
				}
				ran[sec.heading]++
				r := runCLI(t, nil, "", nil, args[1:]...)
				out := r.stdout
				if cmd.head > 0 {
					out = strings.Join(firstLines(out, cmd.head), "\n") + "\n"
				}
				got := strings.Split(strings.TrimSuffix(r.stderr+out, "\n"), "\n")
				if missing := notInOrder(cmd.want, got); missing != "" {
					t.Errorf("README.md: $ %s\nshows the line\n%s\nwhich the real output does not have there:\n%s%s", cmd.line, missing, r.stderr, out)
				}
			}
		}
	}
	if ran["## Inspect a token"] == 0 || ran["## Why was I denied?"] < 6 || ran["### Diagnose without the token"] == 0 {
		t.Errorf("ran %v; want the README's diagnose and inspect examples", ran)
	}
}

// readmeCommand is one `$ …` line of a README block and the output shown under it.
type readmeCommand struct {
	line string   // the command without "$ ", continuation lines joined
	head int      // N of a trailing "| head -N", else 0
	want []string // the lines shown, "…" for lines left out
}

type readmeBlock struct{ commands []readmeCommand }

// readmeBlocks returns the ``` blocks of body that hold `$ rawsts` or `$ cd` commands.
func readmeBlocks(body string) []readmeBlock {
	var out []readmeBlock
	parts := strings.Split(body, "\n```")
	for i := 1; i < len(parts); i += 2 {
		text := strings.TrimPrefix(parts[i], "\n")
		if !strings.HasPrefix(text, "$ ") {
			continue
		}
		var b readmeBlock
		lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		for j := 0; j < len(lines); j++ {
			l := lines[j]
			if cmd, ok := strings.CutPrefix(l, "$ "); ok {
				for strings.HasSuffix(cmd, "\\") && j+1 < len(lines) {
					j++
					cmd = strings.TrimSuffix(cmd, "\\") + " " + strings.TrimSpace(lines[j])
				}
				c := readmeCommand{line: cmd}
				if m := regexp.MustCompile(`\s*\|\s*head -(\d+)$`).FindStringSubmatchIndex(cmd); m != nil {
					c.head, _ = strconv.Atoi(cmd[m[2]:m[3]])
					c.line = cmd[:m[0]]
				}
				b.commands = append(b.commands, c)
				continue
			}
			if n := len(b.commands); n > 0 {
				b.commands[n-1].want = append(b.commands[n-1].want, l)
			}
		}
		out = append(out, b)
	}
	return out
}

// notInOrder returns the first line of want (leaving out "…") that does not follow the
// previous one in got, "" when all do.
func notInOrder(want, got []string) string {
	i := 0
	for _, w := range want {
		if w == "…" {
			continue
		}
		for i < len(got) && got[i] != w {
			i++
		}
		if i == len(got) {
			return w
		}
		i++
	}
	return ""
}

// shellWords splits a command line as sh does for the README's commands: words separated by
// spaces, '…' quoting.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case quoted && r == '\'':
			quoted = false
		case quoted:
			cur.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case strings.ContainsRune(`"$\|;&<>`, r):
			t.Fatalf("README.md: %q needs a shell this test does not emulate", line)
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("README.md: %q has an unclosed quote", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// filesExist reports whether the files a command names (the values of --file, --jwks,
// --trust-policy, --provider, --claims, --cloudtrail) are there.
func filesExist(args []string) bool {
	for i, a := range args[:len(args)-1] {
		switch a {
		case "--file", "--jwks", "--trust-policy", "--provider", "--claims", "--cloudtrail":
			if _, err := os.Stat(args[i+1]); err != nil {
				return false
			}
		}
	}
	return true
}

func firstLines(s string, n int) []string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return lines
}

// chdir changes the working directory until the test ends. The test must not be parallel.
func chdir(t *testing.T, dir string) {
	t.Helper()
	old, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(old) })
}
