// SPDX-License-Identifier: Apache-2.0
// Reading small kernel files (/proc, /sys, device-tree properties) through an O_CLOEXEC fd.
// std::ifstream opens without O_CLOEXEC, so a fork+exec in another thread could inherit it.
#pragma once

#include <optional>
#include <string>

namespace heapsolve {

// The whole file, or std::nullopt when it cannot be opened or read.
std::optional<std::string> readFile(const std::string &path);

} // namespace heapsolve
