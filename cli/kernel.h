// SPDX-License-Identifier: Apache-2.0
// The subcommands that touch the kernel: `heapsolve probe` and `heapsolve alloc`.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace heapsolve::cli {

// `probe`: this machine as schema-1 YAML on `out`. It opens DRM primary nodes to read KMS planes
// (there is no policy to forbid it; `alloc` follows the files' policy). Returns 0, or 2 when
// nothing at all could be read.
int runProbe(std::ostream &out, std::ostream &err);

// `probe --dtb FILE`: the device tree blob FILE as schema-1 YAML (adapters/devicetree), offline.
// `profilesDir` holds the device profiles matched by compatible (empty: none). Returns 0, or 2 on
// a bad blob or profile ("FILE: error: NODE-PATH: what").
struct DtbProbeOptions {
	std::string profilesDir;
	bool capacity = true; // false: leave the heap key `capacity` out (for loaders without it)
};
int runProbeDtb(const std::string &dtb, const DtbProbeOptions &options, std::ostream &out, std::ostream &err);

// Plain `probe`, plus what `fdt` (normally /sys/firmware/fdt) says when it exists.
int runProbeLive(const std::string &fdt, const DtbProbeOptions &options, std::ostream &out, std::ostream &err);

// `alloc FILE... --buffer NAME`: solves, then allocates the buffer's `count` dma-bufs through the
// chosen adapter (falling back along the eligible heaps), reports each one's size and exporter,
// and releases them. Returns 0 allocated, 1 unsatisfiable, 2 bad input, 3 the kernel refused.
int runAlloc(const std::vector<std::string> &files, const std::string &buffer, std::ostream &out, std::ostream &err);

} // namespace heapsolve::cli
