// SPDX-License-Identifier: Apache-2.0
// The importer's I/O: reading blobs, and device profiles keyed by DT compatible. A profile device (an entry of
// DIR/<soc>/devices.yaml) is matchable when its entry holds a comment line
//     # dt-compatible: vendor,one vendor,two
// and may state the DMA mask its driver sets with
//     # dt-dma-mask: BITS  (where the driver sets it)
// A `# dt-soc: vendor,soc` line before the first device limits the file to boards whose root
// `compatible` names that SoC (generic compatibles such as "vivante,gc" are on several SoCs).
// Comments keep schema 1 unchanged (it rejects unknown keys) and keep the key beside the device
// it names, so a profile cannot drift from a separate index.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "adapters/devicetree/devicetree.h"
#include "constraints/result.h"
#include "constraints/yaml/loader.h"

namespace heapsolve::devicetree {

// The profile devices of already-read files (each a devices.yaml), in file and entry order.
// Files that fail to load are bad input (FILE:LINE:COLUMN: error: ...).
Result<std::vector<ProfileDevice>> profilesFromFiles(std::span<const InputFile> files);

// A whole file (a .dtb, /sys/firmware/fdt), or nullopt when it cannot be read.
std::optional<std::string> readBlob(const std::string &path);

// Reads DIR/*/devices.yaml (subfolders in byte order), then profilesFromFiles().
Result<std::vector<ProfileDevice>> loadProfiles(const std::string &dir);

} // namespace heapsolve::devicetree
