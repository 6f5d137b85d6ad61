// SPDX-License-Identifier: Apache-2.0
// The one way heapsolve reads a file: input files (system descriptions, from the CLI, the C API
// and the GStreamer element) and small kernel files (/proc, /sys, device-tree properties), through
// an O_CLOEXEC fd. std::ifstream opens without O_CLOEXEC, so a fork+exec in another thread could
// inherit it; it also reads a directory as an empty file.
#pragma once

#include <string>

#include "heapsolve/result.h"

namespace heapsolve {

// The whole file, or a FileError with the path as given and errno: ENOENT, EACCES, EISDIR (a
// directory opens, but read() refuses it), ...
Result<std::string> readFile(const std::string &path);

} // namespace heapsolve
