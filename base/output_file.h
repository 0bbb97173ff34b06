// File: base/output_file.h
// The one way the tool writes a file a user named (reports, the step
// summary): the path is written the way a user expects of `> path`, never
// destroyed, and every write, fsync and close is checked.
#ifndef AURORA_BASE_OUTPUT_FILE_H_
#define AURORA_BASE_OUTPUT_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace aurora {

// Writes `contents` to `path`, by what `path` is:
// - a new path, or a regular file: replaced atomically. Symlinks are
//   followed to their final target (a dangling one names the file to
//   create); the target is replaced and the links are kept. A temporary
//   file "<target>.tmp.<pid>.<n>" is written in the target's directory,
//   fsynced, closed, renamed over the target, and the directory fsynced.
//   A new file gets mode 0666 less the umask; a replaced one keeps its mode.
//   A reader never sees half a file.
// - /dev/stdout, /dev/stderr, /dev/stdin, /dev/fd/N, /proc/self/fd/N (or a
//   symlink to one): written to the process's open descriptor N, at its
//   current offset (C and C++ standard streams are flushed first).
// - a character device (/dev/null, a tty) or a FIFO: opened for writing
//   (no truncation, no creation) and written through. Opening a FIFO blocks
//   until a reader opens it, as `cat > fifo` does.
// Directories, block devices and sockets are refused. On any failure no
// temporary file is left and the target is untouched; the error names
// `path` and the step that failed, e.g.
// "/dev/full: write failed: No space left on device". Codes: errno's
// (absl::ErrnoToStatusCode), kFailedPrecondition for a refused file kind.
absl::Status WriteOutputFile(const std::string& path,
                             std::string_view contents);

// The crash-safe core of WriteOutputFile for a regular file, also used by
// the action spool and baselines: `path` (no symlink resolution) is replaced
// by a temporary "<path>.tmp.<pid>.<n>" written, fsynced, closed and renamed
// over it, then the directory is fsynced. A new file gets `new_file_mode`
// less the umask; a replaced one keeps its mode. On failure no temporary
// file is left and `path` is untouched. IsTemporaryName() tells the
// leftovers of a crash (never renamed) from real files.
absl::Status ReplaceFileDurably(const std::string& path,
                                std::string_view contents,
                                unsigned new_file_mode = 0666);
bool IsTemporaryName(std::string_view file_name);

// Appends `contents` to `path` (created with mode 0666 less the umask when
// missing), e.g. $GITHUB_STEP_SUMMARY. Same kinds of path as
// WriteOutputFile; a regular file is fsynced, and on failure it is cut back
// to its former size, so a failed append adds nothing.
absl::Status AppendOutputFile(const std::string& path,
                              std::string_view contents);

}  // namespace aurora

#endif  // AURORA_BASE_OUTPUT_FILE_H_
