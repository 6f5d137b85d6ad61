// SPDX-License-Identifier: Apache-2.0
// Each rule cites the Linux 6.12 function it follows (Debian's linux-source-6.12); where
// /work/shared/spec/devicetree.md and that code differ, the code is followed and the comment says so.
#include "heapsolve/devicetree.h"

extern "C" {
#include <libfdt.h>
}

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "constraints/number.h"
#include "constraints/yaml_scalar.h"

namespace heapsolve::devicetree {

namespace {

// Bad input at a node path, or at a byte offset where no node is known yet. importDtb() names the
// file after Options::sourceName.
std::unexpected<Error> dtbError(std::string where, std::string what)
{
	return std::unexpected(Error(DtbError{ {}, std::move(where), std::move(what) }));
}

// OF_MAX_ADDR_CELLS (drivers/of/address.c): Linux translates addresses of at most 4 cells.
constexpr uint32_t kMaxCells = 4;
// The mask every platform device starts with: DMA_BIT_MASK(32), drivers/of/platform.c
// of_device_alloc() / of_platform_device_create_pdata().
constexpr unsigned kDefaultMaskBits = 32;
// CMA_MIN_ALIGNMENT_BYTES = PAGE_SIZE << pageblock_order: 2 MiB on arm64 with 4 KiB pages
// (pageblock_order = HUGETLB_PAGE_ORDER = 9); 32-bit ARM without huge pages uses 4 MiB.
constexpr uint64_t kCmaMinAlign = 2ull << 20;
constexpr uint64_t kCmaMinAlign32 = 4ull << 20;

struct Node {
	int offset = 0;
	int parent = -1; // index, -1 for the root
	std::string name;
	std::string path;
	std::vector<int> children;
	bool treeAvailable = true; // itself and every ancestor
};

std::string propOrigin(const std::string &path, const std::string &prop)
{
	return (path == "/" ? "" : path) + "/" + prop;
}

std::string hex(uint64_t v) { return formatHex(v); }

// DT strings go into YAML names and comments: a corrupt blob may hold any byte there. Every byte
// outside printable ASCII becomes '?' (a CR would end a comment, a bad UTF-8 byte fail the
// parser); in a name, so does '/', and an empty name is "?".
std::string printable(std::string_view raw, bool name)
{
	std::string out;
	for (char c : raw)
		out += (c < 0x20 || c > 0x7e || (name && (c == '/' || c == ' '))) ? '?' : c;
	return name && out.empty() ? "?" : out;
}

// The blob, its node table and the readers every rule below uses.
class Tree
{
public:
	explicit Tree(const void *fdt) : fdt_(fdt) {}

	Result<void> build();

	const std::vector<Node> &nodes() const { return nodes_; }
	const Node &node(int i) const { return nodes_[i]; }

	std::optional<std::span<const uint8_t>> prop(int i, const char *name) const
	{
		int len = 0;
		const void *p = fdt_getprop(fdt_, nodes_[i].offset, name, &len);
		if (!p || len < 0)
			return std::nullopt;
		return std::span<const uint8_t>(static_cast<const uint8_t *>(p), static_cast<size_t>(len));
	}
	bool has(int i, const char *name) const { return prop(i, name).has_value(); }

	// A string property's strings (a `compatible` or `interconnect-names` list).
	std::vector<std::string> strings(int i, const char *name) const
	{
		std::vector<std::string> out;
		auto p = prop(i, name);
		if (!p)
			return out;
		size_t start = 0;
		for (size_t k = 0; k < p->size(); ++k)
			if ((*p)[k] == 0) {
				out.emplace_back(reinterpret_cast<const char *>(p->data()) + start, k - start);
				start = k + 1;
			}
		return out; // an unterminated tail is not a string (of_property_match_string skips it)
	}
	std::optional<std::string> string(int i, const char *name) const
	{
		auto s = strings(i, name);
		if (s.empty())
			return std::nullopt;
		return s.front();
	}

	// A one-cell property (of_property_read_u32 reads the first cell of a longer one).
	std::optional<uint32_t> u32(int i, const char *name) const
	{
		auto p = prop(i, name);
		if (!p || p->size() < 4)
			return std::nullopt;
		return fdt32_ld(reinterpret_cast<const fdt32_t *>(p->data()));
	}

	// of_bus_n_addr_cells / of_bus_n_size_cells (drivers/of/base.c): the node's own, else the
	// nearest ancestor's; at the root 1 and 1 (OF_ROOT_NODE_*_CELLS_DEFAULT, of_private.h).
	Result<uint32_t> busCells(int i, const char *name) const
	{
		for (int n = i; n >= 0; n = nodes_[n].parent)
			if (auto c = u32(n, name)) {
				if (*c > kMaxCells)
					return dtbError(nodes_[n].path, std::string(name) + " = " + std::to_string(*c) +
										" is out of range (Linux reads at most 4 cells, OF_MAX_ADDR_CELLS)");
				return *c;
			}
		return 1u;
	}
	// of_n_addr_cells / of_n_size_cells: the cells of the node's `reg`, i.e. its parent's.
	Result<uint32_t> regCells(int i, const char *name) const
	{
		return busCells(nodes_[i].parent >= 0 ? nodes_[i].parent : i, name);
	}

	int byPhandle(uint32_t ph) const
	{
		auto it = phandles_.find(ph);
		return it == phandles_.end() ? -1 : it->second;
	}
	int byPath(const std::string &path) const
	{
		auto it = paths_.find(path);
		return it == paths_.end() ? -1 : it->second;
	}
	const std::string *label(int i) const
	{
		auto it = labels_.find(nodes_[i].path);
		return it == labels_.end() ? nullptr : &it->second;
	}

	// __of_device_is_available (drivers/of/base.c): no `status`, or "okay" / "ok".
	bool available(int i) const
	{
		auto p = prop(i, "status");
		if (!p)
			return true;
		auto s = string(i, "status");
		return s && (*s == "okay" || *s == "ok");
	}

private:
	const void *fdt_;
	std::vector<Node> nodes_;
	std::map<uint32_t, int> phandles_;
	std::map<std::string, int> paths_;
	std::map<std::string, std::string> labels_; // node path -> first /__symbols__ label
};

Result<void> Tree::build()
{
	std::vector<int> stack;
	int depth = 0;
	for (int off = 0; off >= 0; off = fdt_next_node(fdt_, off, &depth)) {
		if (depth < 0)
			break;
		int len = 0;
		const char *nm = fdt_get_name(fdt_, off, &len);
		if (!nm || len < 0)
			return dtbError("byte offset " + std::to_string(fdt_off_dt_struct(fdt_) + off), "a node without a name");
		stack.resize(static_cast<size_t>(depth));
		Node n;
		n.offset = off;
		n.name = printable(std::string_view(nm, static_cast<size_t>(len)), true);
		n.parent = stack.empty() ? -1 : stack.back();
		if (n.parent < 0)
			n.path = "/";
		else
			n.path = (nodes_[n.parent].path == "/" ? "" : nodes_[n.parent].path) + "/" + n.name;
		const int index = static_cast<int>(nodes_.size());
		nodes_.push_back(std::move(n));
		if (nodes_[index].parent >= 0)
			nodes_[nodes_[index].parent].children.push_back(index);
		stack.push_back(index);
		paths_.emplace(nodes_[index].path, index);
		const uint32_t ph = fdt_get_phandle(fdt_, off);
		if (ph != 0 && ph != ~0u)
			phandles_.emplace(ph, index);
	}
	if (nodes_.empty())
		return dtbError("byte offset " + std::to_string(fdt_off_dt_struct(fdt_)), "no root node");
	for (size_t i = 0; i < nodes_.size(); ++i)
		nodes_[i].treeAvailable = available(static_cast<int>(i)) &&
					  (nodes_[i].parent < 0 || nodes_[nodes_[i].parent].treeAvailable);
	// /__symbols__: label = path. The first label of a node names it.
	const int symbols = byPath("/__symbols__");
	if (symbols >= 0)
		for (int p = fdt_first_property_offset(fdt_, nodes_[symbols].offset); p >= 0; p = fdt_next_property_offset(fdt_, p)) {
			const char *pname = nullptr;
			int len = 0;
			const char *v = static_cast<const char *>(fdt_getprop_by_offset(fdt_, p, &pname, &len));
			if (!v || !pname || len <= 0 || v[len - 1] != 0)
				continue;
			labels_.emplace(std::string(v, static_cast<size_t>(len - 1)), printable(pname, true));
		}
	return {};
}

// Reads cells of one property in order; every number is checked against 2^64.
class Cells
{
public:
	Cells(std::span<const uint8_t> data, std::string origin) : data_(data), origin_(std::move(origin)) {}

	size_t left() const { return data_.size() / 4 - pos_; }
	bool partial() const { return data_.size() % 4 != 0; }

	Result<uint64_t> next(uint32_t n)
	{
		uint64_t v = 0;
		for (uint32_t k = 0; k < n; ++k) {
			const uint32_t c = fdt32_ld(reinterpret_cast<const fdt32_t *>(data_.data() + 4 * pos_++));
			if (v >> 32)
				return dtbError(pathOf(origin_), propOf(origin_) + ": a " + std::to_string(n) +
									 "-cell value past 2^64");
			v = (v << 32) | c;
		}
		return v;
	}
	void skip(uint32_t n) { pos_ += n; }
	// One (base, size) entry in the root's cells, as memory `reg`, a pool's `reg` and
	// `alloc-ranges` hold them (dt_mem_next_cell twice); base + size must not pass 2^64.
	Result<Span> range(uint32_t addressCells, uint32_t sizeCells);

	static std::string pathOf(const std::string &origin)
	{
		const size_t slash = origin.rfind('/');
		return slash == 0 ? "/" : origin.substr(0, slash);
	}
	static std::string propOf(const std::string &origin) { return origin.substr(origin.rfind('/') + 1); }

private:
	std::span<const uint8_t> data_;
	size_t pos_ = 0;
	std::string origin_;
};

// Address ranges as one set, the way memblock_add_range() (mm/memblock.c) keeps memory: sorted,
// overlapping and touching ranges joined (their origins listed). Each range ends at most at 2^64
// (checked by end() when read), so the sizes of the disjoint result cannot sum past it, where
// overlapping entries as written could (found by fuzz_dtb).
std::vector<Span> unite(std::vector<Span> spans)
{
	// By base, then in DT order (std::stable_sort's buffer is deprecated under clang-19).
	std::vector<size_t> order(spans.size());
	for (size_t k = 0; k < order.size(); ++k)
		order[k] = k;
	std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return std::pair{ spans[a].base, a } < std::pair{ spans[b].base, b }; });
	std::vector<Span> out;
	for (size_t k : order) {
		Span &s = spans[k];
		if (!out.empty() && s.base - out.back().base <= out.back().size) {
			Span &last = out.back();
			const uint64_t lastEnd = last.base + last.size, end = s.base + s.size;
			if (end > lastEnd)
				last.size = end - last.base;
			last.origin += ", " + s.origin;
		} else {
			out.push_back(std::move(s));
		}
	}
	return out;
}

Result<uint64_t> end(uint64_t base, uint64_t size, const std::string &origin)
{
	if (size > UINT64_MAX - base)
		return dtbError(Cells::pathOf(origin), Cells::propOf(origin) + ": base " + hex(base) + " + size " +
							       hex(size) + " is past 2^64");
	return base + size;
}

Result<Span> Cells::range(uint32_t addressCells, uint32_t sizeCells)
{
	auto base = next(addressCells);
	HEAPSOLVE_TRY(base);
	auto size = next(sizeCells);
	HEAPSOLVE_TRY(size);
	HEAPSOLVE_TRY(end(*base, *size, origin_));
	return Span{ *base, *size, origin_ };
}

// One `{phandle args...}` list (of_parse_phandle_with_args, drivers/of/base.c): each entry is a
// phandle and as many cells as the target's `cellsName` says; phandle 0 is an empty entry. Parsing
// stops at the first entry that cannot be read; `failed` says why.
struct PhandleEntry {
	int target = -1;
	std::vector<uint32_t> args;
};
struct PhandleList {
	std::vector<PhandleEntry> entries;
	std::optional<std::string> failed;
};

PhandleList phandles(const Tree &t, int i, const char *listName, const char *cellsName)
{
	PhandleList out;
	auto p = t.prop(i, listName);
	if (!p)
		return out;
	const size_t cells = p->size() / 4;
	auto at = [&](size_t k) { return fdt32_ld(reinterpret_cast<const fdt32_t *>(p->data() + 4 * k)); };
	for (size_t k = 0; k < cells;) {
		const uint32_t ph = at(k++);
		if (ph == 0) {
			out.entries.push_back(PhandleEntry{});
			continue;
		}
		const int target = t.byPhandle(ph);
		if (target < 0) {
			out.failed = "phandle " + hex(ph) + " refers to no node";
			return out;
		}
		auto n = t.u32(target, cellsName);
		if (!n) {
			out.failed = t.node(target).path + " has no " + cellsName;
			return out;
		}
		if (*n > cells - k) {
			out.failed = "the last entry is shorter than " + t.node(target).path + " " + cellsName + " says";
			return out;
		}
		PhandleEntry e{ target, {} };
		for (uint32_t a = 0; a < *n; ++a)
			e.args.push_back(at(k++));
		out.entries.push_back(std::move(e));
	}
	return out;
}

// DMA map entry: CPU address, DMA address, size.
struct MapEntry {
	uint64_t cpu = 0;
	uint64_t dma = 0;
	uint64_t size = 0;
	std::string origin;
};

class Importer
{
public:
	Importer(const Tree &t, const Options &o) : t_(t), options_(o) {}

	Result<Description> run();

private:
	Result<void> memory(Description &d);
	Result<void> reservedMemory(Description &d);
	Result<void> devices(Description &d);

	// __of_get_dma_parent (drivers/of/address.c): the target of the `interconnects` entry named
	// `dma-mem`, else the tree parent. `note` says when the named entry could not be followed.
	int dmaParent(int i, std::string *note) const;
	// of_dma_get_range from the device's DMA parent; nullopt: no map.
	Result<std::optional<std::vector<MapEntry>>> dmaMap(int device, std::vector<std::string> &comments) const;
	// of_translate_dma_address: a parent-bus address of `node`'s dma-ranges, to the root.
	Result<std::optional<uint64_t>> translateDma(int node, std::span<const uint8_t> addr) const;

	const ProfileDevice *matchProfile(const std::vector<std::string> &compatible) const;

	const Tree &t_;
	const Options &options_;
	uint32_t rootAc_ = 1, rootSc_ = 1;
};

Result<Description> Importer::run()
{
	Description d;
	if (auto m = t_.string(0, "model"))
		d.model = printable(*m, false);
	// dt_root_addr_cells / dt_root_size_cells (drivers/of/fdt.c early_init_dt_scan_root).
	auto ac = t_.busCells(0, "#address-cells");
	HEAPSOLVE_TRY(ac);
	auto sc = t_.busCells(0, "#size-cells");
	HEAPSOLVE_TRY(sc);
	rootAc_ = *ac;
	rootSc_ = *sc;
	HEAPSOLVE_TRY(memory(d));
	HEAPSOLVE_TRY(reservedMemory(d));
	HEAPSOLVE_TRY(devices(d));
	return d;
}

// drivers/of/fdt.c early_init_dt_scan_memory(): direct children of / with device_type "memory"
// whose own status is okay; `linux,usable-memory` else `reg`, with the root's cells; entries of
// size 0 skipped; a trailing partial entry ignored.
Result<void> Importer::memory(Description &d)
{
	for (int c : t_.node(0).children) {
		if (t_.string(c, "device_type") != std::optional<std::string>("memory") || !t_.available(c))
			continue;
		const char *name = t_.has(c, "linux,usable-memory") ? "linux,usable-memory" : "reg";
		auto p = t_.prop(c, name);
		if (!p)
			continue;
		const std::string origin = propOrigin(t_.node(c).path, name);
		Cells cells(*p, origin);
		const uint32_t per = rootAc_ + rootSc_;
		size_t entry = 0;
		while (per > 0 && cells.left() >= per) {
			++entry;
			auto r = cells.range(rootAc_, rootSc_);
			HEAPSOLVE_TRY(r);
			if (r->size == 0)
				continue;
			if (p->size() / 4 / per > 1)
				r->origin += " entry " + std::to_string(entry);
			if (!d.memory.empty() && d.memory.back().base + d.memory.back().size == r->base) {
				d.memory.back().size += r->size;
				d.memory.back().origin += ", " + r->origin;
			} else {
				d.memory.push_back(std::move(*r));
			}
		}
		if (per > 0 && (cells.left() > 0 || cells.partial()))
			d.notes.push_back(origin + ": a trailing partial entry, ignored as Linux ignores it (early_init_dt_scan_memory)");
	}
	const size_t written = d.memory.size();
	d.memory = unite(std::move(d.memory));
	if (d.memory.size() < written)
		d.notes.emplace_back("memory: entries that overlap or touch joined into one set, as memblock_add() joins them");
	if (d.memory.empty())
		d.notes.emplace_back("memory: the DT gives no RAM (no available /memory node with a non-empty reg); the bootloader fills it in on many boards: add it by hand");
	return {};
}

Result<void> Importer::reservedMemory(Description &d)
{
	const int rm = t_.byPath("/reserved-memory");
	if (rm < 0)
		return {};
	// __reserved_mem_check_root (drivers/of/of_reserved_mem.c): its own cells equal the root's,
	// and `ranges` is present; otherwise Linux ignores the whole node.
	if (t_.u32(rm, "#size-cells") != std::optional<uint32_t>(rootSc_) ||
	    t_.u32(rm, "#address-cells") != std::optional<uint32_t>(rootAc_) || !t_.has(rm, "ranges")) {
		d.heapNotes.emplace_back("/reserved-memory: its #address-cells/#size-cells differ from the root's or it has no `ranges`: ignored, as Linux ignores it (__reserved_mem_check_root)");
		return {};
	}
	struct Pool {
		Heap heap;
		bool dynamic = false;
	};
	std::vector<Pool> pools;
	const uint32_t per = rootAc_ + rootSc_;
	for (int c : t_.node(rm).children) {
		const Node &n = t_.node(c);
		if (!t_.available(c))
			continue;
		const auto compatible = t_.strings(c, "compatible");
		const bool sharedDmaPool = std::find(compatible.begin(), compatible.end(), "shared-dma-pool") != compatible.end();
		const bool reusable = t_.has(c, "reusable");
		const bool noMap = t_.has(c, "no-map");
		Heap h;
		h.name = n.name;
		h.node = n.path;
		std::string placement;
		bool dynamic = false;
		bool dropped = false;
		if (auto reg = t_.prop(c, "reg")) {
			// fdt_scan_reserved_mem_reg_nodes(): a `reg` that is not whole entries drops the node;
			// only the first entry becomes the region (a warning names the others).
			const std::string origin = propOrigin(n.path, "reg");
			if (per == 0 || reg->size() % (size_t{ 4 } * per) != 0) {
				d.heapNotes.push_back(n.path + ": `reg` is not a whole number of entries: dropped, as Linux drops it (fdt_scan_reserved_mem_reg_nodes)");
				continue;
			}
			if (reg->empty())
				continue;
			auto r = Cells(*reg, origin).range(rootAc_, rootSc_);
			HEAPSOLVE_TRY(r);
			if (r->size == 0)
				continue;
			h.regions.push_back(*r);
			h.capacity = r->size;
			h.capacityOrigin = origin;
			placement = "[" + hex(r->base) + ", +" + formatSize(r->size) + ")";
			if (reg->size() / (size_t{ 4 } * per) > 1)
				h.comments.push_back(origin + ": only the first of " + std::to_string(reg->size() / (size_t{ 4 } * per)) +
						     " entries is the pool; Linux ignores the others (fdt_scan_reserved_mem_reg_nodes)");
		} else if (auto size = t_.prop(c, "size")) {
			// __reserved_mem_alloc_size(): `size` of exactly the root's #size-cells, an
			// `alignment` of the root's #address-cells and `alloc-ranges` of whole entries, or the
			// node is dropped.
			dynamic = true;
			const std::string origin = propOrigin(n.path, "size");
			if (size->size() != size_t{ 4 } * rootSc_) {
				d.heapNotes.push_back(n.path + ": `size` is not " + std::to_string(rootSc_) + " cells (the root's #size-cells): dropped, as Linux drops it (__reserved_mem_alloc_size)");
				continue;
			}
			Cells cells(*size, origin);
			auto v = cells.next(rootSc_);
			HEAPSOLVE_TRY(v);
			if (auto al = t_.prop(c, "alignment"); al && al->size() != size_t{ 4 } * rootAc_) {
				d.heapNotes.push_back(n.path + ": `alignment` is not " + std::to_string(rootAc_) + " cells: dropped, as Linux drops it (__reserved_mem_alloc_size)");
				continue;
			}
			h.capacity = *v;
			h.capacityOrigin = origin;
			placement = formatSize(*v) + " placed at boot";
			if (auto ar = t_.prop(c, "alloc-ranges")) {
				const std::string ao = propOrigin(n.path, "alloc-ranges");
				if (per == 0 || ar->size() % (size_t{ 4 } * per) != 0) {
					d.heapNotes.push_back(n.path + ": `alloc-ranges` is not a whole number of entries: dropped, as Linux drops it (__reserved_mem_alloc_size)");
					continue;
				}
				Cells rc(*ar, ao);
				const size_t count = ar->size() / (size_t{ 4 } * per);
				for (size_t k = 0; k < count; ++k) {
					auto r = rc.range(rootAc_, rootSc_);
					HEAPSOLVE_TRY(r);
					if (r->size == 0)
						continue;
					if (count > 1)
						r->origin += " entry " + std::to_string(k + 1);
					h.regions.push_back(std::move(*r));
				}
				h.regions = unite(std::move(h.regions)); // overlapping alloc-ranges: one set
				placement += " inside alloc-ranges";
			}
			if (*v == 0)
				dropped = true;
		} else {
			continue; // neither reg nor size: Linux reserves nothing
		}
		if (dropped)
			continue;
		if (!sharedDmaPool || !reusable || noMap) {
			std::string why = !sharedDmaPool ? "not a shared-dma-pool"
					  : noMap	 ? "no-map: a carve-out the kernel does not map"
							 : "shared-dma-pool without `reusable`: a device's private coherent pool (kernel/dma/coherent.c)";
			d.heapNotes.push_back(n.path + " " + placement + ": not a heap (" + why + ")");
			continue;
		}
		// rmem_cma_setup (kernel/dma/contiguous.c): a static pool must be aligned to
		// CMA_MIN_ALIGNMENT_BYTES; dynamic ones are allocated so (__reserved_mem_alloc_size).
		if (!dynamic && ((h.regions[0].base | h.regions[0].size) % kCmaMinAlign) != 0) {
			d.heapNotes.push_back(n.path + " " + placement + ": not a heap: a static CMA pool not aligned to 2 MiB, which rmem_cma_setup rejects (\"incorrect alignment of CMA region\")");
			continue;
		}
		if (!dynamic && ((h.regions[0].base | h.regions[0].size) % kCmaMinAlign32) != 0)
			h.comments.emplace_back("aligned to 2 MiB but not 4 MiB: a 32-bit ARM kernel without huge pages (CMA_MIN_ALIGNMENT_BYTES 4 MiB) rejects this pool");
		if (t_.has(c, "linux,cma-default"))
			h.isDefault = true;
		h.comments.insert(h.comments.begin(), n.path + ": shared-dma-pool, reusable, no no-map: a CMA area (rmem_cma_setup), named after its node (cma_heap.c cma_get_name)");
		pools.push_back(Pool{ std::move(h), dynamic });
	}
	// fdt_scan_reserved_mem() saves the dynamic pools first, fdt_scan_reserved_mem_reg_nodes() the
	// static ones after; fdt_init_reserved_mem() sets them up in that order, and each
	// `linux,cma-default` pool replaces dma_contiguous_default_area: the last one wins.
	int winner = -1;
	for (int pass = 0; pass < 2; ++pass)
		for (size_t k = 0; k < pools.size(); ++k)
			if (pools[k].dynamic == (pass == 0) && pools[k].heap.isDefault)
				winner = static_cast<int>(k);
	// Heap names are one namespace (schema.md). Sibling nodes of one name (dtc refuses to write
	// them, libfdt reads them, found by fuzz_dtb) or names that printable() made equal would
	// repeat one: a later pool gets a suffix no pool has.
	std::set<std::string> written, all;
	for (const Pool &p : pools)
		all.insert(p.heap.name);
	for (size_t k = 0; k < pools.size(); ++k) {
		Heap &h = pools[k].heap;
		const std::string base = h.name;
		for (int n = 2; written.contains(h.name); ++n)
			if (!all.contains(base + "-" + std::to_string(n)))
				h.name = base + "-" + std::to_string(n);
		written.insert(h.name);
		if (h.name != base)
			h.comments.push_back("an earlier pool is named " + base + " too: this one is written as " + h.name);
		if (static_cast<int>(k) == winner) {
			h.comments.emplace_back("linux,cma-default: the default CMA area, the one CMA area Linux 6.12 makes a DMA-BUF heap (cma_heap.c add_default_cma_heap); a `cma=` kernel argument replaces it with an area (and heap) named \"reserved\", which this DTB cannot know");
		} else {
			if (h.isDefault)
				h.comments.emplace_back("linux,cma-default here too, but a later pool takes the default (rmem_cma_setup: the last one set up wins)");
			h.isDefault = false;
			h.comments.emplace_back("not the default CMA area: a DMA-BUF heap only on kernels that create one heap per CMA area (Linux 6.12 does not)");
		}
		d.heaps.push_back(std::move(h));
	}
	return {};
}

int Importer::dmaParent(int i, std::string *note) const
{
	const auto names = t_.strings(i, "interconnect-names");
	const auto it = std::find(names.begin(), names.end(), "dma-mem");
	if (it == names.end())
		return t_.node(i).parent;
	const size_t index = static_cast<size_t>(it - names.begin());
	const PhandleList list = phandles(t_, i, "interconnects", "#interconnect-cells");
	if (index < list.entries.size() && list.entries[index].target >= 0)
		return list.entries[index].target;
	if (note)
		*note = propOrigin(t_.node(i).path, "interconnects") + ": the entry named dma-mem " +
			(list.failed ? "cannot be read (" + *list.failed + ")" : "is missing") +
			": the tree parent is the DMA parent, as Linux falls back (__of_get_dma_parent)";
	return t_.node(i).parent;
}

// __of_translate_address(node, __of_get_dma_parent, addr, "dma-ranges"): up through DMA parents;
// each level's `dma-ranges` maps the address (missing or empty: 1:1, of_translate_one); the
// root's own is never applied; an address no entry holds cannot be translated.
Result<std::optional<uint64_t>> Importer::translateDma(int node, std::span<const uint8_t> addrCells) const
{
	auto na = t_.regCells(node, "#address-cells");
	HEAPSOLVE_TRY(na);
	int dev = dmaParent(node, nullptr);
	if (dev < 0)
		return std::optional<uint64_t>{};
	// The address as a number; flag cells (3-cell buses) are dropped where Linux drops them.
	Cells in(addrCells, propOrigin(t_.node(node).path, "dma-ranges"));
	const uint32_t flags = *na == 3 ? 1 : 0;
	in.skip(flags);
	auto addr = in.next(*na - flags);
	HEAPSOLVE_TRY(addr);
	uint64_t a = *addr;
	std::set<int> seen;
	for (;;) {
		if (!seen.insert(dev).second)
			return dtbError(t_.node(dev).path, "interconnects: a loop of DMA parents (dma-mem)");
		const int parent = dmaParent(dev, nullptr);
		if (parent < 0)
			return std::optional<uint64_t>(a); // reached the root
		auto cna = t_.busCells(dev, "#address-cells");
		auto cns = t_.busCells(dev, "#size-cells");
		auto pna = t_.regCells(dev, "#address-cells");
		HEAPSOLVE_TRY(cna);
		HEAPSOLVE_TRY(cns);
		HEAPSOLVE_TRY(pna);
		if (*pna == 0 || *cns == 0)
			return std::optional<uint64_t>{}; // OF_CHECK_COUNTS fails: OF_BAD_ADDR
		auto r = t_.prop(dev, "dma-ranges");
		if (!r || r->empty()) {
			dev = parent;
			continue;
		}
		const std::string origin = propOrigin(t_.node(dev).path, "dma-ranges");
		const uint32_t one = *cna + *pna + *cns;
		const uint32_t cflags = *cna == 3 ? 1 : 0, pflags = *pna == 3 ? 1 : 0;
		Cells cells(*r, origin);
		std::optional<uint64_t> mapped;
		while (one > 0 && cells.left() >= one) {
			cells.skip(cflags);
			auto child = cells.next(*cna - cflags);
			HEAPSOLVE_TRY(child);
			cells.skip(pflags);
			auto par = cells.next(*pna - pflags);
			HEAPSOLVE_TRY(par);
			auto size = cells.next(*cns);
			HEAPSOLVE_TRY(size);
			auto e = end(*child, *size, origin);
			HEAPSOLVE_TRY(e);
			if (a >= *child && a < *e) {
				// of_bus_default_translate: the parent address plus the offset.
				auto pe = end(*par, a - *child, origin);
				HEAPSOLVE_TRY(pe);
				mapped = *pe;
				break;
			}
		}
		if (!mapped)
			return std::optional<uint64_t>{};
		a = *mapped;
		dev = parent;
	}
}

// of_dma_configure_id (drivers/of/device.c) -> of_dma_get_range(__of_get_dma_parent(np)).
Result<std::optional<std::vector<MapEntry>>> Importer::dmaMap(int device, std::vector<std::string> &comments) const
{
	std::string note;
	int node = dmaParent(device, &note);
	if (!note.empty())
		comments.push_back(note);
	std::set<int> seen;
	bool found = false;
	std::optional<std::span<const uint8_t>> ranges;
	while (node >= 0) {
		if (!seen.insert(node).second)
			return dtbError(t_.node(node).path, "interconnects: a loop of DMA parents (dma-mem)");
		ranges = t_.prop(node, "dma-ranges");
		if (ranges && !ranges->empty())
			break;
		// "Once we find 'dma-ranges', then a missing one is an error": the starting node may
		// lack it; above it, a missing one means no map.
		if (found && !ranges)
			return std::optional<std::vector<MapEntry>>{};
		found = true;
		std::string n2;
		node = dmaParent(node, &n2);
		if (!n2.empty())
			comments.push_back(n2);
	}
	if (node < 0 || !ranges)
		return std::optional<std::vector<MapEntry>>{};
	if (t_.node(node).parent < 0 && dmaParent(node, nullptr) < 0) {
		comments.emplace_back("/dma-ranges: a non-empty dma-ranges on / translates nothing (__of_translate_address has no parent for it): no DMA map");
		return std::optional<std::vector<MapEntry>>{};
	}
	// parser_init: child address in the node's own cells, parent address in its tree parent's
	// #address-cells, size in the node's own #size-cells.
	auto na = t_.busCells(node, "#address-cells");
	auto ns = t_.busCells(node, "#size-cells");
	auto pna = t_.regCells(node, "#address-cells");
	HEAPSOLVE_TRY(na);
	HEAPSOLVE_TRY(ns);
	HEAPSOLVE_TRY(pna);
	const std::string origin = propOrigin(t_.node(node).path, "dma-ranges");
	const uint32_t one = *na + *pna + *ns;
	if (one == 0)
		return std::optional<std::vector<MapEntry>>{};
	const uint32_t flags = (*na == 3 || t_.string(node, "device_type") == std::optional<std::string>("pci") ||
				t_.string(node, "device_type") == std::optional<std::string>("pciex"))
				       ? 1
				       : 0;
	Cells cells(*ranges, origin);
	std::vector<MapEntry> map;
	const size_t count = ranges->size() / 4 / one;
	for (size_t k = 0; k < count; ++k) {
		const std::string o = origin + (count > 1 ? " entry " + std::to_string(k + 1) : "");
		cells.skip(flags);
		auto bus = cells.next(*na - std::min(*na, flags));
		HEAPSOLVE_TRY(bus);
		const size_t at = (k * one + *na) * 4;
		auto cpu = translateDma(node, ranges->subspan(at, size_t{ 4 } * *pna));
		HEAPSOLVE_TRY(cpu);
		cells.skip(*pna);
		auto size = cells.next(*ns);
		HEAPSOLVE_TRY(size);
		HEAPSOLVE_TRY(end(*bus, *size, o));
		const std::optional<uint64_t> &cpuAddress = *cpu;
		if (!cpuAddress) {
			comments.push_back(o + ": DMA address " + hex(*bus) + " does not translate to a CPU address through the ancestors' dma-ranges: dropped, as Linux drops it (of_dma_get_range)");
			continue;
		}
		HEAPSOLVE_TRY(end(*cpuAddress, *size, o));
		if (*size == 0) {
			comments.push_back(o + ": size 0 ends the DMA map (dma_range_map ends at an entry of size 0)");
			break;
		}
		map.push_back(MapEntry{ *cpuAddress, *bus, *size, o });
	}
	if (cells.left() > 0 || cells.partial())
		comments.push_back(origin + ": a trailing partial entry, ignored as Linux ignores it (for_each_of_range)");
	if (map.empty()) {
		comments.push_back(origin + ": no entry translates: no DMA map (of_dma_get_range returns -EINVAL)");
		return std::optional<std::vector<MapEntry>>{};
	}
	return std::optional<std::vector<MapEntry>>(std::move(map));
}

const ProfileDevice *Importer::matchProfile(const std::vector<std::string> &compatible) const
{
	// The node's compatibles in order, most specific first, as a driver matches them; a profile
	// of another SoC never matches ("vivante,gc" is on several).
	const auto board = t_.strings(0, "compatible");
	for (const std::string &c : compatible)
		for (const ProfileDevice &p : options_.profiles) {
			const bool soc = p.socs.empty() || std::any_of(p.socs.begin(), p.socs.end(), [&](const std::string &s) {
						 return std::find(board.begin(), board.end(), s) != board.end();
					 });
			if (soc && std::find(p.compatibles.begin(), p.compatibles.end(), c) != p.compatibles.end())
				return &p;
		}
	return nullptr;
}

std::string kindFromNodeName(const std::string &name)
{
	const std::string generic = name.substr(0, name.find('@'));
	if (generic == "gpu")
		return "render";
	if (generic == "display-controller")
		return "display";
	if (generic == "video-codec")
		return "codec";
	if (generic == "isp" || generic == "camera")
		return "camera";
	return "other";
}

Result<void> Importer::devices(Description &d)
{
	std::set<std::string> taken(options_.taken.begin(), options_.taken.end());
	for (const Heap &h : d.heaps)
		taken.insert(h.name);
	for (size_t idx = 0; idx < t_.nodes().size(); ++idx) {
		const int i = static_cast<int>(idx);
		const Node &n = t_.node(i);
		if (!n.treeAvailable || !t_.has(i, "compatible"))
			continue;
		const auto compatible = t_.strings(i, "compatible");
		const ProfileDevice *profile = matchProfile(compatible);
		std::vector<std::string> shown;
		shown.reserve(compatible.size());
		for (const std::string &c : compatible)
			shown.push_back(printable(c, false));
		const auto names = t_.strings(i, "interconnect-names");
		const bool dmaMem = std::find(names.begin(), names.end(), "dma-mem") != names.end() && t_.has(i, "interconnects");
		if (!profile && !t_.has(i, "iommus") && !t_.has(i, "memory-region") && !dmaMem)
			continue;
		Device dev;
		dev.node = n.path;
		dev.compatible = shown;
		dev.profile = profile;
		if (const std::string *l = t_.label(i)) {
			dev.name = *l;
			dev.nameOrigin = "/__symbols__/" + *l;
		} else {
			dev.name = n.name;
			dev.nameOrigin = n.path;
		}
		const std::string base = dev.name;
		for (int k = 2; taken.contains(dev.name); ++k)
			dev.name = base + "-" + std::to_string(k);
		taken.insert(dev.name);
		if (dev.name != base)
			dev.nameOrigin += " (the name " + base + " is taken)";

		if (profile && profile->kind) {
			dev.kind = *profile->kind;
			dev.kindOrigin = profile->file + ":" + std::to_string(profile->kindLine);
		} else {
			dev.kind = kindFromNodeName(n.name);
			dev.kindOrigin = dev.kind == "other" ? "node name " + n.name + ": no kind of its own" : "node name " + n.name;
		}

		// of_iommu_configure_dev (drivers/iommu/of_iommu.c): every `iommus` entry up to the
		// first one that cannot be parsed goes through of_iommu_xlate, which fails on an
		// unavailable IOMMU; one failure leaves the device without an IOMMU.
		if (t_.has(i, "iommus")) {
			const PhandleList list = phandles(t_, i, "iommus", "#iommu-cells");
			const std::string origin = propOrigin(n.path, "iommus");
			bool ok = false;
			std::string why;
			for (const PhandleEntry &e : list.entries) {
				if (e.target < 0)
					continue;
				if (!t_.available(e.target)) {
					ok = false;
					why = t_.node(e.target).path + " is not available";
					break;
				}
				ok = true;
			}
			if (!ok && why.empty())
				why = list.failed ? *list.failed : "no entry";
			if (ok && list.failed)
				dev.comments.push_back(origin + ": " + *list.failed + "; Linux stops reading the list there (of_iommu_configure_dev)");
			dev.iommu = ok;
			dev.iommuOrigin = ok ? origin : origin + ": " + why + ", so Linux gives it no IOMMU (of_iommu_xlate)";
		} else {
			dev.iommuOrigin = n.path + ": no iommus";
		}
		// A profile's `iommu: true` counts only where the DT has no `iommus` (an MMU inside the
		// device, such as V3D's); where the DT names an IOMMU, the DT decides.
		if (profile && profile->iommu && !t_.has(i, "iommus")) {
			dev.iommu = true;
			dev.iommuOrigin = profile->file + ":" + std::to_string(profile->iommuLine) + " (an MMU inside the device; the DT says " +
					  dev.iommuOrigin + ")";
		}

		// The DMA window: the map's CPU ranges cut to the DMA addresses below the mask.
		std::vector<std::string> mapComments;
		auto map = dmaMap(i, mapComments);
		HEAPSOLVE_TRY(map);
		for (std::string &c : mapComments)
			dev.comments.push_back(std::move(c));
		const unsigned bits = profile && profile->dmaMaskBits ? *profile->dmaMaskBits : kDefaultMaskBits;
		const std::string maskOrigin = profile && profile->dmaMaskBits
						       ? "DMA mask 2^" + std::to_string(bits) + " (" + profile->file + ":" + std::to_string(profile->dmaMaskLine) + ")"
						       : "DMA mask 2^32 (drivers/of/platform.c, the mask every platform device starts with; no profile states its driver's)";
		// Reachable DMA addresses [0, limit); limit 0 means 2^64.
		const uint64_t limit = bits >= 64 ? 0 : (uint64_t{ 1 } << bits);
		if (*map) {
			for (const MapEntry &e : **map) {
				uint64_t size = e.size;
				if (limit != 0) {
					if (e.dma >= limit)
						continue;
					size = std::min(size, limit - e.dma);
				}
				dev.address.push_back(Span{ e.cpu, size, e.origin });
			}
			dev.addressOrigin = "DMA map of " + (**map).front().origin.substr(0, (**map).front().origin.find(" entry")) + "; " + maskOrigin;
		} else {
			dev.address.push_back(Span{ 0, limit == 0 ? UINT64_MAX : limit, "no DMA map: DMA address = CPU address" });
			dev.addressOrigin = "no dma-ranges on the DMA path: DMA address = CPU address; " + maskOrigin;
		}
		if (profile && !profile->address.empty()) {
			// The narrower window wins: intersect with the profile's.
			std::vector<Span> cut;
			for (const Span &a : dev.address)
				for (const Span &p : profile->address) {
					const uint64_t lo = std::max(a.base, p.base);
					const uint64_t hi = std::min(a.base + a.size, p.base + p.size);
					if (lo < hi)
						cut.push_back(Span{ lo, hi - lo, a.origin + " and " + p.origin });
				}
			dev.dtAddress = std::move(dev.address);
			dev.address = std::move(cut);
			dev.addressOrigin += "; narrowed by " + profile->file;
		}
		if (dev.address.empty()) {
			dev.unreachable = true;
			dev.comments.push_back("no address is reachable (" + dev.addressOrigin + "): left out of the description");
		}
		// memory-region: bare phandles (of_reserved_mem_device_init_by_idx, of_parse_phandle).
		if (auto p = t_.prop(i, "memory-region"))
			for (size_t k = 0; k + 4 <= p->size(); k += 4) {
				const int target = t_.byPhandle(fdt32_ld(reinterpret_cast<const fdt32_t *>(p->data() + k)));
				dev.comments.push_back(propOrigin(n.path, "memory-region") + ": its driver allocates its own buffers from " +
						       (target >= 0 ? t_.node(target).path : std::string("a phandle that refers to no node")));
			}
		if (!profile)
			dev.comments.push_back("no profile matches " + (shown.empty() ? std::string("it") : "\"" + shown.front() + "\"") +
					       ": only what the DT says, no driver knowledge added");
		d.devices.push_back(std::move(dev));
	}
	return {};
}

// fdt_check_full says what is wrong but not where; the structure walk finds the first bad tag.
std::unexpected<Error> locate(const void *fdt, size_t size, int err)
{
	if (size < sizeof(fdt_header))
		return dtbError("byte offset " + std::to_string(size), "truncated: a DTB header is " + std::to_string(sizeof(fdt_header)) + " bytes");
	if (fdt_magic(fdt) != FDT_MAGIC)
		return dtbError("byte offset 0", "wrong magic " + hex(fdt_magic(fdt)) + " (a DTB starts with 0xd00dfeed)");
	if (fdt_totalsize(fdt) > size)
		return dtbError("byte offset " + std::to_string(size), "truncated: the header says the blob is " + std::to_string(fdt_totalsize(fdt)) + " bytes");
	{
		int off = 0, next = 0;
		for (int steps = 0; steps < (1 << 24); ++steps) {
			const uint32_t tag = fdt_next_tag(fdt, off, &next);
			if (next < 0)
				return dtbError("byte offset " + std::to_string(fdt_off_dt_struct(fdt) + static_cast<uint32_t>(off)),
						std::string("bad structure block: ") + fdt_strerror(err) + " (fdt_check_full)");
			if (tag == FDT_END)
				break;
			off = next;
		}
	}
	return dtbError("byte offset 0", std::string("not a valid DTB: ") + fdt_strerror(err) + " (fdt_check_full)");
}

// A blob older than version 16 names each node by its full path, and libfdt's fdt_get_name gives
// the part after the last '/'; a name without one fails (-FDT_ERR_BADSTRUCTURE, fdt_ro.c). Debian's
// libfdt 1.6.1 fdt_check_full reads the root node's name through fdt_get_name without checking
// for that failure and dereferences the null pointer (found by fuzz_dtb), so the root is checked
// here first, as fdt_check_full's walk reaches it: past FDT_NOP tags and properties it can read
// (it accepts properties before the root), at the first FDT_BEGIN_NODE. Linux cannot read such a
// blob either: populate_node() (drivers/of/fdt.c) stops unflatten_dt_nodes() at a node whose
// fdt_get_name fails.
Result<void> checkOldRootName(const void *fdt, size_t size)
{
	if (fdt_check_header(fdt) != 0 || fdt_totalsize(fdt) > size || fdt_version(fdt) >= 0x10)
		return {}; // fdt_check_full reports it, or the root name needs no '/'
	int off = 0, next = 0;
	uint32_t tag = FDT_NOP;
	for (int steps = 0; steps < (1 << 24); ++steps, off = next) {
		tag = fdt_next_tag(fdt, off, &next);
		if (next < 0)
			return {};
		if (tag == FDT_PROP) {
			const char *name = nullptr;
			int len = 0;
			if (!fdt_getprop_by_offset(fdt, off, &name, &len))
				return {}; // fdt_check_full stops here with that error
			continue;
		}
		if (tag != FDT_NOP)
			break;
	}
	if (tag != FDT_BEGIN_NODE)
		return {}; // not a node: fdt_check_full says what is wrong
	int len = 0;
	if (fdt_get_name(fdt, off, &len) != nullptr)
		return {};
	return dtbError("byte offset " + std::to_string(fdt_off_dt_struct(fdt) + static_cast<uint32_t>(off) + FDT_TAGSIZE),
			"the root node's name has no '/', but a version " + std::to_string(fdt_version(fdt)) +
				" DTB names each node by its full path (libfdt fdt_get_name; Linux's unflatten_dt_nodes stops there too)");
}

// Debian's libfdt 1.6.1 fdt_next_tag adds a property's length to the offset without checking it:
// a length of 0xfffffff4 (-12 as an int) leads back to the same tag, and fdt_check_full walks it
// forever (found by fuzz_dtb). Linux 6.12's copy of libfdt (scripts/dtc/libfdt/fdt.c
// fdt_next_tag) stops there: a length whose sum with the offset reaches INT_MAX or wraps is a
// premature end. The same check here, over the walk fdt_check_full makes, before it runs.
Result<void> checkPropertyLengths(const void *fdt, size_t size)
{
	if (fdt_check_header(fdt) != 0 || fdt_totalsize(fdt) > size)
		return {}; // fdt_check_full reports it
	int off = 0, next = 0;
	for (;;) {
		// The tag as written: fdt_next_tag reports a property it could not step over as FDT_END.
		const auto *tagp = static_cast<const fdt32_t *>(fdt_offset_ptr(fdt, off, FDT_TAGSIZE));
		if (tagp && fdt32_ld(tagp) == FDT_PROP) {
			const int lenAt = off + FDT_TAGSIZE;
			const auto *lenp = static_cast<const fdt32_t *>(fdt_offset_ptr(fdt, lenAt, sizeof(fdt32_t)));
			if (lenp) {
				const uint32_t len = fdt32_ld(lenp);
				const uint32_t sum = len + static_cast<uint32_t>(lenAt);
				if (sum >= INT_MAX || sum < static_cast<uint32_t>(lenAt))
					return dtbError("byte offset " + std::to_string(fdt_off_dt_struct(fdt) + static_cast<uint32_t>(lenAt)),
							"a property length of " + std::to_string(len) +
								" bytes runs past the structure block (Linux's libfdt fdt_next_tag stops there)");
			}
		}
		const uint32_t tag = fdt_next_tag(fdt, off, &next);
		if (next < 0 || tag == FDT_END || next <= off)
			return {}; // fdt_check_full says what is wrong, or the walk ended
		off = next;
	}
}

void window(std::ostringstream &out, const std::string &indent, const Span &s)
{
	out << indent << "- { base: " << hex(s.base) << ", size: " << hex(s.size) << " }  # " << s.origin << "\n";
}

// A comment line; newlines in DT strings cannot break out of it.
std::string comment(const std::string &indent, const std::string &text)
{
	std::string t = text;
	std::replace(t.begin(), t.end(), '\n', ' ');
	return indent + "# " + t + "\n";
}

Result<Description> importBlob(std::span<const uint8_t> blob, const Options &options)
{
	// libfdt reads the header with aligned loads; give it an 8-byte aligned copy.
	std::vector<uint64_t> aligned((blob.size() + 7) / 8 + 1, 0);
	if (!blob.empty())
		std::memcpy(aligned.data(), blob.data(), blob.size());
	const void *fdt = aligned.data();
	if (blob.size() < sizeof(fdt_header))
		return locate(fdt, blob.size(), -FDT_ERR_TRUNCATED);
	HEAPSOLVE_TRY(checkPropertyLengths(fdt, blob.size()));
	HEAPSOLVE_TRY(checkOldRootName(fdt, blob.size()));
	if (const int err = fdt_check_full(fdt, blob.size()); err != 0)
		return locate(fdt, blob.size(), err);
	Tree tree(fdt);
	HEAPSOLVE_TRY(tree.build());
	return Importer(tree, options).run();
}

} // namespace

Result<Description> importDtb(std::span<const uint8_t> blob, const Options &options)
{
	Result<Description> d = importBlob(blob, options);
	if (!d)
		if (DtbError *e = d.error().dtb())
			e->file = options.sourceName;
	return d;
}

std::string toYaml(const Description &d, const Options &options)
{
	std::ostringstream out;
	out << "# " << options.sourceName << " as `heapsolve probe --dtb` reads it, by Linux 6.12's rules (schema 1).\n";
	if (!d.model.empty())
		out << comment("", "model: " + d.model + "  (/model)");
	out << "# Each value is followed by its origin: a DT node path and property, or a profile file and line.\n";
	for (const std::string &n : d.notes)
		out << comment("", n);
	if (options.devicesOnly) {
		// The live probe wrote memory and heaps; the DT's view of them is information only.
		for (const Span &s : d.memory)
			out << comment("", "DT memory [" + hex(s.base) + ", +" + hex(s.size) + ")  (" + s.origin + ")");
		for (const Heap &h : d.heaps)
			out << comment("", "DT CMA pool " + h.name + (h.isDefault ? " (default)" : "") + ": " + hex(h.capacity) + " bytes (" + h.capacityOrigin + ")");
		for (const std::string &n : d.heapNotes)
			out << comment("", n);
	} else {
		out << "version: 1\n";
		if (!d.memory.empty()) {
			out << "memory:\n";
			for (const Span &s : d.memory)
				window(out, "  ", s);
		}
		if (!d.heaps.empty() || !d.heapNotes.empty()) {
			if (d.heaps.empty())
				out << "# heaps: none from the DT\n";
			else
				out << "heaps:\n";
			for (const std::string &n : d.heapNotes)
				out << comment("  ", n);
			for (const Heap &h : d.heaps) {
				for (const std::string &c : h.comments)
					out << comment("  ", c);
				out << "  - name: " << yamlQuoted(h.name) << "  # " << h.node << "\n";
				out << "    backend: dma-heap  # drivers/dma-buf/heaps/cma_heap.c\n";
				out << "    contiguous: true  # a CMA area hands out physically contiguous buffers\n";
				if (!h.regions.empty()) {
					out << "    regions:\n";
					for (const Span &s : h.regions)
						window(out, "      ", s);
				} else {
					out << "    # regions: left out: the pool is placed anywhere in memory at boot (no reg, no alloc-ranges)\n";
				}
				if (options.capacity)
					out << "    capacity: " << hex(h.capacity) << "  # " << h.capacityOrigin << "\n";
				else
					out << "    # capacity: " << hex(h.capacity) << "  # " << h.capacityOrigin << " (left out on request)\n";
			}
		}
	}
	bool any = false;
	for (const Device &dev : d.devices)
		any = any || !dev.unreachable;
	if (!d.devices.empty() && !options.devicesOnly)
		out << (any ? "devices:\n" : "# devices: none reachable\n");
	for (const Device &dev : d.devices) {
		const std::string p = dev.unreachable ? "  # " : "  ";
		out << "\n";
		out << comment(
			"  ", dev.node + " (" + [&] {
				std::string s;
				for (size_t k = 0; k < dev.compatible.size(); ++k)
					s += (k ? ", " : "") + dev.compatible[k];
				return s;
			}() + ")");
		for (const std::string &c : dev.comments)
			out << comment("  ", c);
		out << p << "- name: " << yamlQuoted(dev.name) << "  # " << dev.nameOrigin << "\n";
		out << p << "  kind: " << dev.kind << "  # " << dev.kindOrigin << "\n";
		out << p << "  iommu: " << (dev.iommu ? "true" : "false") << "  # " << dev.iommuOrigin << "\n";
		if (!dev.address.empty()) {
			out << p << "  # address: " << dev.addressOrigin << "\n";
			for (const Span &s : dev.dtAddress)
				out << p << "  # the DT alone: { base: " << hex(s.base) << ", size: " << hex(s.size) << " }  (" << s.origin << ")\n";
			out << p << "  address:\n";
			for (const Span &s : dev.address)
				window(out, p + "    ", s);
		}
		if (dev.profile) {
			out << p << "  # driver knowledge from " << dev.profile->file << " (device " << dev.profile->name << ", line "
			    << dev.profile->line << ")\n";
			for (const ProfileDevice::Line &l : dev.profile->rest) {
				const bool isComment = l.text.find_first_not_of(' ') != std::string::npos && l.text[l.text.find_first_not_of(' ')] == '#';
				out << (dev.unreachable ? "  # " + l.text.substr(std::min<size_t>(2, l.text.size())) : l.text);
				// A value gets its profile line; the profile's own comments are copied as they are.
				if (!isComment)
					out << "  # " << dev.profile->file << ":" << l.line;
				out << "\n";
			}
		}
	}
	return out.str();
}

Result<std::string> dtbToYaml(std::span<const uint8_t> blob, const Options &options)
{
	HEAPSOLVE_TRY_ASSIGN(const Description d, importDtb(blob, options));
	return toYaml(d, options);
}

} // namespace heapsolve::devicetree
