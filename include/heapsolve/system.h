// SPDX-License-Identifier: Apache-2.0
// The system a set of schema-1 files describes: memory, heaps, devices (with planes), buffers and
// the policy. Every value remembers where it was written, so that a conflict can cite it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "constraints/address_window.h"
#include "constraints/alignment.h"
#include "constraints/cache_mode.h"
#include "constraints/constraint_set.h"
#include "constraints/format.h"
#include "heapsolve/result.h"

namespace heapsolve {

template<typename T>
struct Located {
	T value{};
	Source at; // where written; for a default, the entry that leaves the key out
	bool written = false;
};

// One `{base, size}` entry of a window list, as written.
struct Window {
	uint64_t base = 0;
	uint64_t size = 0;
	Source at;
	uint64_t end() const { return base + size; } // the loader guarantees no overflow
};

struct WindowList {
	std::vector<Window> windows;
	Source at; // the key (`address:`, `regions:`)

	AddressWindows set() const;
};

enum class Backend { DmaHeap,
		     DrmDumb,
		     Udmabuf };
std::string_view backendName(Backend b);
std::optional<Backend> backendFromName(std::string_view name);

enum class DeviceKind { Codec,
			Render,
			Display,
			Camera,
			Cpu,
			Other };
std::string_view deviceKindName(DeviceKind k);
std::optional<DeviceKind> deviceKindFromName(std::string_view name);

// How a multi-plane format's chroma strides follow from the buffer's users (schema additions of
// 2026-12): `aligned` aligns each plane's stride on its own; `derived` takes them from the luma
// stride as V4L2's single-planar formats do (one bytesperline for the buffer).
enum class ChromaStride { Aligned,
			  Derived };
std::string_view chromaStrideName(ChromaStride c);

// One entry of `modifiers` written as a per-format mapping: the format (any fourcc name, as in
// `formats`) and its list, in the order written.
struct FormatModifiers {
	std::string format;
	Source at;				     // the format key
	Located<std::vector<std::string>> modifiers; // `at` is the list
};

// The rules a device or one of its planes brings. A key left out is std::nullopt and adds nothing
// (the device-level defaults that do add something, such as modifiers [LINEAR], are filled in by
// the loader with `written = false`).
struct RuleSet {
	std::optional<WindowList> address;
	std::optional<Located<bool>> contiguous;
	std::optional<Located<uint64_t>> alignBase;
	std::optional<Located<uint64_t>> alignStride;
	std::optional<Located<uint64_t>> alignHeight;
	std::optional<Located<uint64_t>> alignSize;
	std::optional<Located<uint64_t>> maxStride;
	std::optional<Located<std::vector<std::string>>> formats;
	// `modifiers` as a plain list; when written as a per-format mapping this stays empty and
	// `modifiersPerFormat` holds the mapping (never both).
	std::optional<Located<std::vector<std::string>>> modifiers;
	std::optional<Located<std::vector<FormatModifiers>>> modifiersPerFormat; // `at`: the key
	std::optional<Located<CacheMode::Value>> cache;
	std::optional<Located<ChromaStride>> chromaStride;

	// The modifier list these rules bring for a buffer of `format`: the plain list, the
	// mapping's list for `format`, or nullptr (no list; or a mapping without `format`, which
	// then refuses the format: see mappingRefuses()).
	const Located<std::vector<std::string>> *modifiersFor(std::string_view format) const;
	// Whether a per-format mapping is written and has no key `format`.
	bool mappingRefuses(std::string_view format) const;

	// These rules as a ConstraintSet, each kind with where it was written (for alignments, the
	// first of base, stride, height and size written); with `iommu`, address windows and contiguity
	// do not apply. Format and modifier names are views of these rules' lists. Protection is not
	// a rule of a rule set (see Device::canAccessProtected): it is left at its identity.
	WrittenConstraints constraints(bool iommu) const;
};

struct Plane {
	std::string name;
	Source at;
	RuleSet rules;
};

struct Device {
	std::string name;
	Source at;
	Located<DeviceKind> kind;
	Located<bool> iommu;
	Located<bool> canAccessProtected;
	RuleSet rules;
	std::vector<Plane> planes;

	const Plane *findPlane(std::string_view plane) const;
};

enum class RegionsFrom { Written,
			 Memory,
			 Unknown };

struct Heap {
	std::string name;
	Source at;
	Located<Backend> backend;
	std::optional<Located<std::string>> path;
	Located<bool> contiguous;
	// The regions the heap allocates from: as written, else the board's memory, else unknown.
	RegionsFrom regionsFrom = RegionsFrom::Unknown;
	WindowList regions;
	Located<bool> cached;
	Located<bool> isProtected;
	Located<uint64_t> align; // default: the system's page_size, `at` the heap's line
	std::optional<Located<uint64_t>> maxBuffer;
	// Total bytes it can hand out (a CMA pool's size), when written.
	std::optional<Located<uint64_t>> capacity;
	// Computed by the loader (overflow-checked): the sum and the largest of the region sizes.
	uint64_t regionTotal = 0;
	uint64_t largestRegion = 0;

	// The total used to order eligible heaps: the region sum, capped by `capacity` when both
	// are known; `capacity` alone when the regions are unknown; nullopt when neither is known.
	std::optional<uint64_t> orderingTotal() const;

	// The device node: `path` when written, else /dev/dma_heap/<name> for dma-heap.
	std::string devicePath() const;
};

// A user of a buffer as written: `device` or `device/plane`.
struct UserRef {
	std::string device;
	std::optional<std::string> plane;
	Source at;

	std::string str() const { return plane ? device + "/" + *plane : device; }
};

struct Buffer {
	std::string name;
	Source at;
	Located<const FormatInfo *> format;
	Located<uint64_t> width;
	Located<uint64_t> height;
	Located<uint64_t> count;
	Located<bool> isProtected;
	UserRef producer;
	std::vector<UserRef> consumers;
};

struct Policy {
	std::vector<Located<std::string>> prefer;
	std::vector<Located<Backend>> forbidBackends;
	std::optional<Source> at; // the `policy:` key, when given

	bool forbids(Backend b) const;
};

inline constexpr uint64_t kDefaultPageSize = 4096;

struct System {
	std::vector<std::string> files; // as given, in order
	// The kernel's page size (`page_size`, one file only); 4096 when no file writes it.
	Located<uint64_t> pageSize{ kDefaultPageSize, Source{}, false };
	std::vector<Window> memory;
	std::vector<Heap> heaps;
	std::vector<Device> devices;
	std::vector<Buffer> buffers;
	Policy policy;

	const Device *findDevice(std::string_view name) const;
	const Heap *findHeap(std::string_view name) const;
};

} // namespace heapsolve
