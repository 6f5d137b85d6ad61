// SPDX-License-Identifier: Apache-2.0
// heapsolve/devicetree.h: `heapsolve probe --dtb` as a library.
// A flattened device tree (DTB) read as Linux 6.12 reads it, turned into a schema-1 description:
// memory, the CMA pools of /reserved-memory as heaps, and the DMA masters as devices with their
// IOMMU and DMA windows. The contract is /work/shared/spec/devicetree.md (docs/devicetree.md).
// importDtb/toYaml are pure: no I/O, no clock, no environment; the same blob and profiles give
// the same text. readBlob and loadProfiles are the I/O around them.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "heapsolve/loader.h"
#include "heapsolve/result.h"

namespace heapsolve::devicetree {

// A `{base, size}` with the origin of its numbers ("/soc/dma-ranges", "/memory@0/reg").
struct Span {
	uint64_t base = 0;
	uint64_t size = 0;
	std::string origin;
};

// What a driver knows and the DT cannot say, for the devices whose `compatible` matches.
struct ProfileDevice {
	std::vector<std::string> compatibles; // any one of them matches ...
	std::vector<std::string> socs;	      // ... on a board whose root `compatible` has one of these (none: any)
	std::string file;		      // as cited in comments ("profiles/rpi4-bcm2711/devices.yaml")
	int line = 0;			      // of the device's `- name:` entry
	std::string name;		      // the profile's name for it
	std::optional<std::string> kind;      // with its line
	int kindLine = 0;
	bool iommu = false; // an MMU inside the device (V3D's), cited at iommuLine
	int iommuLine = 0;
	std::optional<unsigned> dmaMaskBits; // the mask the driver sets (dma_set_mask_and_coherent)
	int dmaMaskLine = 0;
	std::vector<Span> address; // a narrower window than the bus gives (origin: file:line)
	// The rest of the device's keys (formats, modifiers, align, contiguous, cache, planes ...) as
	// YAML lines at device indentation ("    formats: [NV12]"), each with its source line.
	struct Line {
		std::string text;
		int line = 0;
	};
	std::vector<Line> rest;
};

struct Options {
	std::string sourceName = "DTB"; // the file named in the header comment
	bool capacity = true;		// emit the heap key `capacity` (false for loaders without it)
	std::vector<ProfileDevice> profiles;
	// For `probe` on a live machine, whose own probe already wrote memory and heaps: only the
	// device entries, to append to its `devices:` list (the DT's memory and heaps become
	// comments, no `version` or `devices:` line), with names not in `taken`.
	bool devicesOnly = false;
	std::vector<std::string> taken;
};

// One CMA pool that becomes a heap.
struct Heap {
	std::string name; // the node name, unit address included
	std::string node; // its path
	std::vector<Span> regions;
	uint64_t capacity = 0;
	std::string capacityOrigin;
	bool isDefault = false; // the area Linux 6.12 makes a heap (linux,cma-default, last one wins)
	std::vector<std::string> comments;
};

struct Device {
	std::string name;
	std::string nameOrigin;
	std::string node;
	std::vector<std::string> compatible;
	std::string kind;
	std::string kindOrigin;
	bool iommu = false;
	std::string iommuOrigin;
	std::vector<Span> address;   // empty with `unreachable`: commented out
	std::string addressOrigin;   // the DMA map and mask that gave it
	std::vector<Span> dtAddress; // the DT's window before a profile narrowed it (else empty)
	bool unreachable = false;
	const ProfileDevice *profile = nullptr;
	std::vector<std::string> comments;
};

struct Description {
	std::string model;	  // the root's `model`, when given
	std::vector<Span> memory; // adjacent entries joined
	std::vector<Heap> heaps;
	std::vector<Device> devices;
	std::vector<std::string> notes;	    // leading comments: what was left out and why
	std::vector<std::string> heapNotes; // reserved-memory children that are not heaps
};

// Reads `blob` (fdt_check_full first). Never reads past the span, never crashes on any input.
// Bad input is a DtbError (heapsolve/result.h) at a node path ("/soc/gpu@7ec00000") or "byte
// offset N" where there is no node yet, in file options.sourceName: "FILE: error: WHERE: WHAT".
Result<Description> importDtb(std::span<const uint8_t> blob, const Options &options);

// The description as schema-1 YAML that `heapsolve check` loads, every value followed by a
// comment naming its origin.
std::string toYaml(const Description &d, const Options &options);

// Both at once (what `probe --dtb` prints).
Result<std::string> dtbToYaml(std::span<const uint8_t> blob, const Options &options);

// Profiles keyed by DT compatible. A profile device (an entry of DIR/<soc>/devices.yaml) is
// matchable when its entry holds a comment line
//     # dt-compatible: vendor,one vendor,two
// and may state the DMA mask its driver sets with
//     # dt-dma-mask: BITS  (where the driver sets it)
// A `# dt-soc: vendor,soc` line before the first device limits the file to boards whose root
// `compatible` names that SoC (generic compatibles such as "vivante,gc" are on several SoCs).
// Comments keep schema 1 unchanged (it rejects unknown keys) and keep the key beside the device
// it names, so a profile cannot drift from a separate index.

// The profile devices of already-read files (each a devices.yaml), in file and entry order.
// Files that fail to load are bad input (FILE:LINE:COLUMN: error: ...).
Result<std::vector<ProfileDevice>> profilesFromFiles(std::span<const InputFile> files);

// A whole file (a .dtb, /sys/firmware/fdt), or a FileError (the path and errno) when it cannot be
// read.
Result<std::string> readBlob(const std::string &path);

// Reads DIR/*/devices.yaml (subfolders in byte order), then profilesFromFiles(). A folder that
// cannot be listed or a profile that cannot be read is a FileError.
Result<std::vector<ProfileDevice>> loadProfiles(const std::string &dir);

} // namespace heapsolve::devicetree
