// SPDX-License-Identifier: Apache-2.0
#include "adapters/udmabuf/udmabuf.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "adapters/fd/read_file.h"

namespace heapsolve {

Result<Offer> UdmabufAdapter::probe()
{
	Offer offer;
	if (access(paths_.device.c_str(), F_OK) != 0) {
		offer.notes.push_back("no udmabuf: " + paths_.device + " is missing (CONFIG_UDMABUF)");
		return offer;
	}
	Heap h;
	h.name = "udmabuf";
	h.at = Source{ "probe", 0, 0 };
	h.backend = probed(Backend::Udmabuf);
	h.path = probed(paths_.device);
	h.contiguous = probed(false);
	h.cached = probed(true);
	h.isProtected = probed(false);
	h.align = { 4096, h.at, false };
	uint64_t mib = 0;
	if (auto text = readFile(paths_.sizeLimit); text && std::sscanf(text->c_str(), "%" SCNu64, &mib) == 1 && mib > 0) // NOLINT(cert-err34-c): a module parameter the kernel prints as a decimal
		h.maxBuffer = probed(mib << 20);
	else
		offer.notes.emplace_back("udmabuf: size_limit_mb unreadable; the module's default is 64 MiB");
	offer.heaps.push_back(std::move(h));
	return offer;
}

Result<DmaBuf> UdmabufAdapter::allocate(const Plan &plan, const HeapChoice &heap)
{
	const std::string node = heap.path.empty() ? paths_.device : heap.path;
	const Request request{ heap.name, plan.size, 0 };
	HEAPSOLVE_TRY(boundRequest(request, node));
	const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
	// udmabuf maps whole pages: offset and size must be page multiples (udmabuf_create()).
	const uint64_t size = (plan.size + page - 1) / page * page;

	UniqueFd memfd(memfd_create("heapsolve", MFD_CLOEXEC | MFD_ALLOW_SEALING));
	if (!memfd.isValid())
		return std::unexpected(Error(SystemError{ "memfd_create", "", errno, request }));
	if (ftruncate(memfd.get(), static_cast<off_t>(size)) < 0)
		return std::unexpected(Error(SystemError{ "ftruncate", "memfd", errno, { heap.name, size, 0 } }));
	// udmabuf requires F_SEAL_SHRINK (and refuses F_SEAL_WRITE): the pages must not go away
	// under the device.
	if (fcntl(memfd.get(), F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		return std::unexpected(Error(SystemError{ "fcntl F_ADD_SEALS F_SEAL_SHRINK", "memfd", errno, request }));

	UniqueFd dev(open(node.c_str(), O_RDWR | O_CLOEXEC));
	if (!dev.isValid())
		return std::unexpected(Error(SystemError{ "open", node, errno, request }));

	udmabuf_create create{};
	create.memfd = static_cast<uint32_t>(memfd.get());
	create.flags = UDMABUF_FLAGS_CLOEXEC;
	create.offset = 0;
	create.size = size;
	int fd = ioctl(dev.get(), UDMABUF_CREATE, &create);
	if (fd < 0)
		return std::unexpected(Error(SystemError{ "ioctl UDMABUF_CREATE", node, errno, { heap.name, size, 0 } }));

	DmaBuf buffer;
	buffer.fd = UniqueFd(fd);
	nameDmaBuf(buffer.fd.get(), plan.buffer);
	buffer.size = size;
	buffer.planes = plan.planes;
	buffer.heap = heap.name;
	buffer.exporter = exporterName(buffer.fd.get());
	return buffer;
}

} // namespace heapsolve
