// SPDX-License-Identifier: Apache-2.0
// Records every path the test binary opens, so that a test can prove that no DRM primary node
// was opened, not even for an instant (the heaps kernel has no inotify to watch for that).
// Linked only into the static VM binary with -Wl,--wrap=open,... (tests/vm/BUILD): every call
// to open() from our code and from libdrm.a goes through here first.
#include <cstdarg>
#include <fcntl.h>
#include <mutex>
#include <string>
#include <vector>

extern "C" {
int __real_open(const char *path, int flags, ...);
int __real_open64(const char *path, int flags, ...);
int __real_openat(int dirfd, const char *path, int flags, ...);
int __real_openat64(int dirfd, const char *path, int flags, ...);
}

namespace {

std::mutex gLock;
struct Opened {
	std::string path;
	int flags;
};
std::vector<Opened> gOpened;

void record(const char *path, int flags)
{
	std::lock_guard<std::mutex> lock(gLock);
	gOpened.push_back({ path ? path : "", flags });
}

mode_t modeOf(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? static_cast<mode_t>(va_arg(ap, int)) : 0;
}

} // namespace

extern "C" {

int __wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = modeOf(flags, ap);
	va_end(ap);
	record(path, flags);
	return __real_open(path, flags, mode);
}

int __wrap_open64(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = modeOf(flags, ap);
	va_end(ap);
	record(path, flags);
	return __real_open64(path, flags, mode);
}

int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = modeOf(flags, ap);
	va_end(ap);
	record(path, flags);
	return __real_openat(dirfd, path, flags, mode);
}

int __wrap_openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = modeOf(flags, ap);
	va_end(ap);
	record(path, flags);
	return __real_openat64(dirfd, path, flags, mode);
}

// The drm_dumb test looks this up as a weak symbol: present only in the VM binary.
size_t heapsolveTestOpensOf(const char *prefix)
{
	std::lock_guard<std::mutex> lock(gLock);
	size_t n = 0;
	for (const Opened &o : gOpened)
		n += o.path.rfind(prefix, 0) == 0;
	return n;
}

// Opens of paths under `prefix` made without O_CLOEXEC so far.
size_t heapsolveTestOpensWithoutCloexec(const char *prefix)
{
	std::lock_guard<std::mutex> lock(gLock);
	size_t n = 0;
	for (const Opened &o : gOpened)
		n += o.path.rfind(prefix, 0) == 0 && !(o.flags & O_CLOEXEC);
	return n;
}

} // extern "C"
