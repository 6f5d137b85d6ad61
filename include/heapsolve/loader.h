// SPDX-License-Identifier: Apache-2.0
// Loading schema-1 system descriptions. This is the only place that includes yaml-cpp; yaml-cpp's
// exceptions are caught here and become ParseErrors with FILE:LINE:COLUMN.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "heapsolve/result.h"
#include "heapsolve/system.h"

namespace heapsolve {

struct InputFile {
	std::string name; // as the user gave it; errors and conflicts cite this spelling
	std::string text;
};

// Parses the files in order into one system: top-level lists are concatenated, names are checked
// across all files, references resolved, defaults filled in (each citing the entry that leaves
// the key out) and every capacity sum checked for overflow. Every key of the schema is read,
// the additions of 2026-12 (page_size, capacity, per-format modifiers, chroma_stride) included.
Result<System> parseSystem(std::span<const InputFile> files);

// parseSystem(): what check, alloc, the C API and the GStreamer element load. The solver applies
// every addition of 2026-12, so nothing read is refused after parsing.
Result<System> loadSystem(std::span<const InputFile> files);

// Reads the files from disk (through the O_CLOEXEC reader, adapters/fd/read_file.h). A file that
// cannot be read (missing, a directory, not permitted) is a FileError, cited as FILE:1:1.
Result<std::vector<InputFile>> readInputFiles(std::span<const std::string> paths);

// readInputFiles(), then loadSystem().
Result<System> loadSystemFromPaths(std::span<const std::string> paths);

} // namespace heapsolve
