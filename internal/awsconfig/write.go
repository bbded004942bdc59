package awsconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rawsts/rawsts/internal/bounded"
	"github.com/rawsts/rawsts/internal/ini"
	"github.com/rawsts/rawsts/internal/safefile"
)

// UpdateProfile applies edits to the section [profile] of the INI file at path — the shared
// credentials file, where a profile's section is its bare name — and changes nothing else:
// other sections, comments, blank lines, order and line endings stay byte for byte
// (ini.Update). The change is made under a lock beside the file (safefile.Lock), so that two
// writers run one after the other and neither loses the other's profile, and written with
// safefile.WriteAtomic (a synced temporary file renamed over the old one, mode 0600), so that
// a writer killed at any point leaves the old file whole. A file that does not exist is
// created, with its folder (0700). A file that cannot be parsed is left alone: the error
// names it and the line.
func UpdateProfile(path, profile string, edits []ini.Edit) error {
	if path == "" {
		return errors.New("awsconfig: no credentials file: set HOME or AWS_SHARED_CREDENTIALS_FILE")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("awsconfig: %w", err)
	}
	unlock, err := safefile.Lock(path, 0)
	if err != nil {
		return fmt.Errorf("awsconfig: %w", err)
	}
	defer unlock()
	data, err := bounded.ReadFile(path, MaxFileSize)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		var tooLarge *bounded.TooLargeError
		if errors.As(err, &tooLarge) {
			return fmt.Errorf("awsconfig: %w", err)
		}
		return fmt.Errorf("awsconfig: reading %s: %w", path, err)
	}
	updated, err := ini.Update(data, profile, edits)
	if err != nil {
		return fmt.Errorf("awsconfig: %s: %w", path, err)
	}
	if err := safefile.WriteAtomic(path, updated, 0o600); err != nil {
		return fmt.Errorf("awsconfig: writing %s: %w", path, err)
	}
	return nil
}
