// Package safefile writes files that hold secrets so that no reader ever sees half of one and
// no two writers lose each other's change: WriteAtomic writes a temporary file in the same
// folder, syncs it and renames it over the old one (mode 0600 by default), and Lock takes an
// exclusive lock beside a file for a read-modify-write.
//
// It is for Linux and macOS (flock(2) through package syscall); it is not a general locking
// library and does not lock across network file systems that ignore flock.
package safefile
