// SPDX-License-Identifier: Apache-2.0
#include "adapters/dma_heap/dma_heap.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/dma-heap.h>
#include <sstream>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

#include "adapters/fd/read_file.h"
#include "log/log.h"

namespace heapsolve {

LOG_DEFINE_CATEGORY(DmaHeap);

namespace {

// The names the default CMA area's heap has had: "linux,cma" (the DT node name most boards use,
// and the area's name before 6.12 on command-line areas), "reserved" (6.12, command-line and
// CONFIG_CMA_SIZE areas), "default_cma_region" (the name the 6.16 rework gives it).
bool isDefaultCmaName(const std::string &name)
{
	return name == "linux,cma" || name == "reserved" || name == "default_cma_region";
}

// memparse(): a number with an optional K/M/G/T/P/E suffix (binary units).
std::optional<uint64_t> memparse(const std::string &s, size_t &pos)
{
	size_t start = pos;
	int base = 10;
	if (s.compare(pos, 2, "0x") == 0 || s.compare(pos, 2, "0X") == 0) {
		base = 16;
		pos += 2;
	}
	uint64_t v = 0;
	size_t digits = 0;
	for (; pos < s.size(); ++pos, ++digits) {
		char c = s[pos];
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return std::nullopt;
		v = v * base + d;
	}
	if (digits == 0) {
		pos = start;
		return std::nullopt;
	}
	int shift = 0;
	if (pos < s.size()) {
		switch (s[pos]) {
		case 'E':
		case 'e':
			shift = 60;
			break;
		case 'P':
		case 'p':
			shift = 50;
			break;
		case 'T':
		case 't':
			shift = 40;
			break;
		case 'G':
		case 'g':
			shift = 30;
			break;
		case 'M':
		case 'm':
			shift = 20;
			break;
		case 'K':
		case 'k':
			shift = 10;
			break;
		}
		if (shift)
			++pos;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return std::nullopt;
	return v << shift;
}

// Big-endian cells of a device-tree property, combined by `cells` 32-bit words each.
std::vector<uint64_t> readCells(const std::string &path, unsigned cells)
{
	std::string raw = readFile(path).value_or("");
	std::vector<uint64_t> out;
	if (cells == 0 || cells > 2)
		return out;
	const size_t step = size_t{ 4 } * cells;
	for (size_t i = 0; i + step <= raw.size(); i += step) {
		uint64_t v = 0;
		for (size_t j = 0; j < step; ++j)
			v = (v << 8) | static_cast<uint8_t>(raw[i + j]);
		out.push_back(v);
	}
	return out;
}

std::vector<std::string> listDir(const std::string &dir)
{
	std::vector<std::string> names;
	DIR *d = opendir(dir.c_str());
	if (!d)
		return names;
	while (dirent *e = readdir(d)) { // NOLINT(concurrency-mt-unsafe): this DIR is this call's own; glibc's readdir locks per DIR
		std::string n = e->d_name;
		if (n != "." && n != "..")
			names.push_back(n);
	}
	closedir(d);
	// Stable output: the same machine always probes to the same YAML.
	std::sort(names.begin(), names.end());
	return names;
}

// A device-tree reserved-memory pool whose node name (less @unit) is the heap's name.
struct DtPool {
	std::vector<Window> regions; // `reg` (exact) or `alloc-ranges` (where it may be placed)
	std::optional<uint64_t> size;
	bool reusable = false; // `reusable`: a CMA pool (shared-dma-pool + reusable)
};

std::optional<DtPool> findDtPool(const std::string &dtRoot, const std::string &heap)
{
	const std::string rm = dtRoot + "/reserved-memory";
	std::vector<uint64_t> ac = readCells(rm + "/#address-cells", 1);
	std::vector<uint64_t> sc = readCells(rm + "/#size-cells", 1);
	if (ac.empty() || sc.empty())
		return std::nullopt;
	for (const std::string &node : listDir(rm)) {
		if (node.substr(0, node.find('@')) != heap && node != heap)
			continue;
		const std::string dir = rm + "/" + node;
		DtPool pool;
		pool.reusable = access((dir + "/reusable").c_str(), F_OK) == 0;
		auto pairs = [&](const std::string &prop) {
			// (address, size) pairs of #address-cells and #size-cells big-endian words.
			std::vector<uint64_t> out;
			std::string raw = readFile(dir + "/" + prop).value_or("");
			size_t step = 4 * (ac[0] + sc[0]);
			for (size_t i = 0; ac[0] <= 2 && sc[0] <= 2 && i + step <= raw.size(); i += step) {
				uint64_t base = 0, size = 0;
				for (size_t j = 0; j < 4 * ac[0]; ++j)
					base = (base << 8) | static_cast<uint8_t>(raw[i + j]);
				for (size_t j = 4 * ac[0]; j < step; ++j)
					size = (size << 8) | static_cast<uint8_t>(raw[i + j]);
				out.push_back(base);
				out.push_back(size);
			}
			return out;
		};
		std::vector<uint64_t> r = pairs("reg");
		if (r.empty())
			r = pairs("alloc-ranges");
		for (size_t i = 0; i + 1 < r.size(); i += 2)
			if (r[i + 1] != 0 && r[i] + r[i + 1] >= r[i])
				pool.regions.push_back(Window{ r[i], r[i + 1], Source{ "probe", 0, 0 } });
		std::vector<uint64_t> s = readCells(dir + "/size", unsigned(sc[0]));
		if (!s.empty())
			pool.size = s[0];
		return pool;
	}
	return std::nullopt;
}

} // namespace

std::optional<CmaParameter> parseCmaParameter(const std::string &cmdline)
{
	std::istringstream in(cmdline);
	std::string word;
	std::optional<CmaParameter> found;
	// The last cma= wins, as with the kernel's early_param parsing.
	while (in >> word) {
		if (word.rfind("cma=", 0) != 0)
			continue;
		size_t pos = 4;
		auto size = memparse(word, pos);
		if (!size)
			continue;
		CmaParameter p{ *size, {}, {} };
		if (pos < word.size() && word[pos] == '@') {
			++pos;
			p.base = memparse(word, pos);
			if (p.base && pos < word.size() && word[pos] == '-') {
				++pos;
				p.limit = memparse(word, pos);
			}
		}
		found = p;
	}
	return found;
}

DmaHeapAdapter::DmaHeapAdapter(DmaHeapPaths paths)
	: paths_(std::move(paths)), memTotal_(memTotal()), page_(static_cast<uint64_t>(sysconf(_SC_PAGESIZE)))
{
}

Result<Offer> DmaHeapAdapter::probe()
{
	Offer offer;
	if (access(paths_.heapDir.c_str(), F_OK) != 0) {
		offer.notes.push_back("no DMA-BUF heaps: " + paths_.heapDir + " is missing (CONFIG_DMABUF_HEAPS)");
		return offer;
	}
	const std::string cmdline = readFile(paths_.cmdline).value_or("");
	for (const std::string &name : listDir(paths_.heapDir)) {
		Heap h;
		h.name = name;
		h.at = Source{ "probe", 0, 0 };
		h.backend = probed(Backend::DmaHeap);
		h.path = probed(paths_.heapDir + "/" + name);
		h.cached = probed(true);
		h.isProtected = probed(false);
		h.align = { 4096, h.at, false };
		if (name == "system" || name == "system-uncached") {
			// drivers/dma-buf/heaps/system_heap.c: pages from alloc_pages(), largest order
			// first, so neither contiguous nor placed; "system-uncached" maps write-combined.
			h.contiguous = probed(false);
			h.cached = probed(name == "system");
			offer.heaps.push_back(std::move(h));
			continue;
		}
		std::optional<DtPool> pool = findDtPool(paths_.deviceTree, name);
		if (!isDefaultCmaName(name) && !(pool && pool->reusable)) {
			h.contiguous = probed(false);
			offer.notes.push_back("heap '" + name + "' is not one heapsolve recognises; described as "
								"not contiguous, placement unknown");
			offer.heaps.push_back(std::move(h));
			continue;
		}
		// drivers/dma-buf/heaps/cma_heap.c: one cma_alloc() per buffer, physically contiguous.
		h.contiguous = probed(true);
		if (pool && !pool->regions.empty()) {
			h.regionsFrom = RegionsFrom::Written;
			h.regions = WindowList{ pool->regions, h.at };
			if (pool->size)
				h.maxBuffer = probed(*pool->size);
			offer.notes.push_back("heap '" + name + "': regions from the device tree's reserved-memory");
		} else if (auto cma = parseCmaParameter(cmdline); cma && isDefaultCmaName(name)) {
			uint64_t base = cma->base.value_or(0);
			uint64_t end = cma->limit ? *cma->limit : base + cma->size;
			if (cma->base && end > base) {
				h.regionsFrom = RegionsFrom::Written;
				h.regions = WindowList{ { Window{ base, end - base, h.at } }, h.at };
			}
			h.maxBuffer = probed(cma->size);
			offer.notes.push_back("heap '" + name + "': " + std::to_string(cma->size >> 20) + " MiB from the " +
					      "cma= command line" +
					      (cma->limit ? ", placed somewhere in the window listed" : cma->base ? ""
														  : ", placement unknown"));
		} else {
			offer.notes.push_back("heap '" + name + "' is a CMA area of unknown size and placement");
		}
		offer.heaps.push_back(std::move(h));
	}
	if (offer.heaps.empty())
		offer.notes.push_back(paths_.heapDir + " has no heaps");
	return offer;
}

Result<DmaBuf> DmaHeapAdapter::allocate(const Plan &plan, const HeapChoice &heap)
{
	// Every return returns `result`, so the buffer is built in the caller's storage (NRVO).
	Result<DmaBuf> result;
	std::string defaultNode;
	const std::string &node = heap.path.empty() ? (defaultNode = paths_.heapDir + "/" + heap.name) : heap.path;
	const Request request{ heap.name, plan.size, 0 };
	if (auto b = boundRequest(request, node, memTotal_); !b) {
		result = std::unexpected(std::move(b).error());
		return result;
	}

	// A node kept open by an earlier allocation: the one used last (no lock), else any. Entries
	// are never removed while the adapter lives, so the fd stays valid without the lock, and the
	// ioctl runs unlocked.
	const OpenNode *open = nullptr;
	if (const Nodes::value_type *last = last_.load(std::memory_order_acquire); last && last->first == node) {
		open = &last->second;
	} else {
		std::lock_guard<std::mutex> locker(lock_);
		if (auto it = nodes_.find(node); it != nodes_.end()) {
			open = &it->second;
			last_.store(&*it, std::memory_order_release);
		}
	}
	// Else open it for this call. The heap node needs only read access for the ioctl (the
	// kernel's dma-heap fops check nothing more); O_CLOEXEC so a fork/exec in the application
	// does not inherit it.
	UniqueFd heapFd;
	if (!open) {
		heapFd = UniqueFd(::open(node.c_str(), O_RDONLY | O_CLOEXEC));
		if (!heapFd.isValid()) {
			result = std::unexpected(Error(SystemError{ "open", node, errno, request }));
			return result;
		}
	}

	dma_heap_allocation_data data{};
	data.len = plan.size;
	data.fd_flags = O_RDWR | O_CLOEXEC;
	if (ioctl(open ? open->fd.get() : heapFd.get(), DMA_HEAP_IOCTL_ALLOC, &data) < 0) {
		int err = errno;
		LOG(DmaHeap, Debug) << "DMA_HEAP_IOCTL_ALLOC len=" << plan.size << " on " << node
				    << " failed: " << errnoDescription(err);
		result = std::unexpected(Error(SystemError{ "ioctl DMA_HEAP_IOCTL_ALLOC", node, err, request }));
		return result;
	}

	DmaBuf &buffer = *result;
	buffer.fd = UniqueFd(static_cast<int>(data.fd));
	nameDmaBuf(buffer.fd.get(), plan.buffer);
	// The size the kernel gave, without asking it (an lseek(SEEK_END) per buffer, which is what
	// dma_buf_llseek() would answer): dma_heap_buffer_alloc() rounds len up with PAGE_ALIGN()
	// before the heap's allocate op, and the heaps export exactly that len (system_heap.c and
	// cma_heap.c: exp_info.size = buffer->len). The VM stage checks it against lseek.
	buffer.size = (plan.size + page_ - 1) / page_ * page_;
	buffer.planes = plan.planes;
	buffer.heap = heap.name;
	if (open) {
		buffer.exporter = open->exporter;
		return result;
	}
	// The node proved to be a heap: keep it, with the exporter name its buffers carry. Another
	// thread may have kept the same node meanwhile; then this fd closes here.
	buffer.exporter = exporterName(buffer.fd.get());
	std::lock_guard<std::mutex> locker(lock_);
	auto kept = nodes_.try_emplace(node, OpenNode{ std::move(heapFd), buffer.exporter }).first;
	last_.store(&*kept, std::memory_order_release);
	return result;
}

size_t DmaHeapAdapter::openNodes() const
{
	std::lock_guard<std::mutex> locker(lock_);
	return nodes_.size();
}

} // namespace heapsolve
