// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/loader.h"

#include <cstring>
#include <functional>
#include <map>
#include <sstream>

#include <yaml-cpp/exceptions.h>

#include "adapters/fd/read_file.h"
#include "constraints/checked.h"
#include "constraints/format_modifier.h"
#include "constraints/number.h"
#include "constraints/yaml/document.h"

namespace heapsolve {

namespace {

using Ok = Result<void>;
using yaml::Node;

Ok ok()
{
	return {};
}

// Reads one file's YAML. Every helper returns Result so that the first problem, in document
// order, is the one reported.
class FileReader
{
public:
	explicit FileReader(const std::string &file) : file_(file) {}

	Source at(const Node &n) const { return at(n.mark()); }
	Source at(const YAML::Mark &m) const
	{
		// yaml-cpp counts from 0 and uses -1 for "no position".
		return Source{ file_, m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1 };
	}

	// Whether `n` is a scalar written without quotes or tag, as numbers and booleans must be.
	static bool isPlain(const Node &n) { return n.isPlain(); }

	Result<uint64_t> number(const Node &n, std::string_view key, bool positive = true) const
	{
		if (!n.isScalar())
			return parseError(at(n), "'" + std::string(key) + "' must be a number");
		if (!isPlain(n))
			return parseError(at(n), "'" + std::string(key) + "' must be a plain number, without quotes or tag ('" +
							 std::string(n.scalar()) + "')");
		auto v = parseNumber(n.scalar());
		if (!v)
			return parseError(at(n), "'" + std::string(key) + "': " + v.error());
		if (positive && *v == 0)
			return parseError(at(n), "'" + std::string(key) + "' must be positive");
		return *v;
	}

	Result<bool> boolean(const Node &n, std::string_view key) const
	{
		if (isPlain(n) && n.scalar() == "true")
			return true;
		if (isPlain(n) && n.scalar() == "false")
			return false;
		return parseError(at(n), "'" + std::string(key) + "' must be true or false (plain, unquoted)" +
						 (n.isScalar() ? ", not '" + std::string(n.scalar()) + "'" : std::string()));
	}

	Result<std::string> string(const Node &n, std::string_view key) const
	{
		if (!n.isScalar())
			return parseError(at(n), "'" + std::string(key) + "' must be a string");
		if (n.scalar().empty())
			return parseError(at(n), "'" + std::string(key) + "' must not be empty");
		return std::string(n.scalar());
	}

	// A name of a heap, device, plane or buffer: a non-empty string without '/'.
	Result<std::string> name(const Node &n) const
	{
		auto s = string(n, "name");
		if (!s)
			return s;
		if (s->find('/') != std::string::npos)
			return parseError(at(n), "name '" + *s + "' must not contain '/'");
		return s;
	}

	// A non-empty sequence; `each` is called on every item in order.
	Ok list(const Node &n, std::string_view key, const std::function<Ok(const Node &)> &each) const
	{
		if (!n.isSequence())
			return parseError(at(n), "'" + std::string(key) + "' must be a list");
		if (n.size() == 0)
			return parseError(at(n), "'" + std::string(key) +
							 "' must not be empty (leave the key out to mean anywhere / any)");
		for (const Node item : n.items()) {
			if (item.isNull())
				return parseError(at(item), "an item of '" + std::string(key) + "' has no value");
			if (auto r = each(item); !r)
				return r;
		}
		return ok();
	}

	// A list of distinct strings (formats, modifiers, consumers, prefer, forbid_backends).
	Result<std::vector<std::pair<std::string, Source>>> names(const Node &n, std::string_view key) const
	{
		std::vector<std::pair<std::string, Source>> out;
		auto r = list(n, key, [&](const Node &item) -> Ok {
			auto s = string(item, key);
			HEAPSOLVE_TRY(s);
			for (const auto &[prev, where] : out)
				if (prev == *s)
					return parseError(at(item), "'" + *s + "' appears twice in '" + std::string(key) +
									    "' (first at " + where.position() + ")");
			out.emplace_back(*s, at(item));
			return ok();
		});
		HEAPSOLVE_TRY(r);
		return out;
	}

	// Walks a mapping in document order: rejects a non-mapping, a key given twice, a key with no
	// value and any key `handle` does not know (it returns false for those).
	Ok mapping(const Node &n, std::string_view what,
		   const std::function<Result<bool>(const std::string &, const Node &, const Node &)> &handle,
		   std::string_view known) const
	{
		if (!n.isMap())
			return parseError(at(n), std::string(what) + " must be a mapping");
		std::vector<std::pair<std::string, Source>> seen;
		for (size_t i = 0; i < n.size(); ++i) {
			const Node key = n.key(i);
			const Node value = n.value(i);
			if (!key.isScalar())
				return parseError(at(key), "a key of " + std::string(what) + " must be a plain name");
			const std::string k = std::string(key.scalar());
			for (const auto &[prev, where] : seen)
				if (prev == k)
					return parseError(at(key), "key '" + k + "' given twice in " + std::string(what) +
									   " (first at " + where.position() + ")");
			seen.emplace_back(k, at(key));
			if (value.isNull())
				return parseError(at(key), "key '" + k + "' has no value");
			auto handled = handle(k, key, value);
			HEAPSOLVE_TRY(handled);
			if (!*handled)
				return parseError(at(key), "unknown key '" + k + "' in " + std::string(what) + " (known: " +
								   std::string(known) + ")");
		}
		return ok();
	}

	Result<Window> window(const Node &n, std::string_view key) const
	{
		Window w;
		w.at = at(n);
		bool hasBase = false, hasSize = false;
		auto r = mapping(
			n, "a window of '" + std::string(key) + "'",
			[&](const std::string &k, const Node &, const Node &v) -> Result<bool> {
				if (k == "base") {
					auto b = number(v, "base", false);
					HEAPSOLVE_TRY(b);
					w.base = *b;
					hasBase = true;
					return true;
				}
				if (k == "size") {
					auto s = number(v, "size");
					HEAPSOLVE_TRY(s);
					w.size = *s;
					hasSize = true;
					return true;
				}
				return false;
			},
			"base, size");
		HEAPSOLVE_TRY(r);
		if (!hasBase)
			return parseError(w.at, "a window needs 'base'");
		if (!hasSize)
			return parseError(w.at, "a window needs 'size'");
		if (!checkedAdd(w.base, w.size))
			return std::unexpected(Error(OverflowError{
				w.at, "window base " + formatHex(w.base) + " + size " + std::to_string(w.size) }));
		return w;
	}

	Result<WindowList> windows(const Node &key, const Node &n, std::string_view name) const
	{
		WindowList out;
		out.at = at(key);
		auto r = list(n, name, [&](const Node &item) -> Ok {
			auto w = window(item, name);
			HEAPSOLVE_TRY(w);
			out.windows.push_back(*w);
			return ok();
		});
		HEAPSOLVE_TRY(r);
		return out;
	}

	// The keys a device and a plane share: address, contiguous, align, max_stride, formats,
	// modifiers, cache. Returns false for any other key.
	Result<bool> ruleKey(RuleSet &rules, const std::string &k, const Node &key, const Node &v) const
	{
		if (k == "address") {
			auto w = windows(key, v, "address");
			HEAPSOLVE_TRY(w);
			rules.address = *w;
			return true;
		}
		if (k == "contiguous") {
			auto b = boolean(v, k);
			HEAPSOLVE_TRY(b);
			rules.contiguous = Located<bool>{ *b, at(v), true };
			return true;
		}
		if (k == "align")
			return alignKey(rules, v);
		if (k == "max_stride") {
			auto n = number(v, k);
			HEAPSOLVE_TRY(n);
			rules.maxStride = Located<uint64_t>{ *n, at(v), true };
			return true;
		}
		if (k == "modifiers" && v.isMap())
			return modifierMapping(rules, key, v);
		if (k == "modifiers" && !v.isSequence())
			return parseError(at(v), "'modifiers' must be a list, or a mapping from format to list "
						 "such as {NV12: [LINEAR]}");
		if (k == "chroma_stride") {
			auto s = string(v, k);
			HEAPSOLVE_TRY(s);
			ChromaStride c;
			if (*s == "aligned")
				c = ChromaStride::Aligned;
			else if (*s == "derived")
				c = ChromaStride::Derived;
			else
				return parseError(at(v), "chroma_stride must be aligned or derived, not '" + *s + "'");
			rules.chromaStride = Located<ChromaStride>{ c, at(v), true };
			return true;
		}
		if (k == "formats" || k == "modifiers") {
			auto list = names(v, k);
			HEAPSOLVE_TRY(list);
			Located<std::vector<std::string>> out{ {}, at(key), true };
			for (const auto &[n, where] : *list) {
				if (k == "modifiers")
					HEAPSOLVE_TRY(checkModifier(n, where));
				out.value.push_back(n);
			}
			(k == "formats" ? rules.formats : rules.modifiers) = std::move(out);
			return true;
		}
		if (k == "cache") {
			auto s = string(v, k);
			HEAPSOLVE_TRY(s);
			CacheMode::Value mode;
			if (*s == "any")
				mode = CacheMode::Value::Any;
			else if (*s == "cached")
				mode = CacheMode::Value::Cached;
			else if (*s == "uncached")
				mode = CacheMode::Value::Uncached;
			else
				return parseError(at(v), "cache must be any, cached or uncached, not '" + *s + "'");
			rules.cache = Located<CacheMode::Value>{ mode, at(v), true };
			return true;
		}
		return false;
	}

	Ok checkModifier(const std::string &n, const Source &where) const
	{
		if (isValidModifierName(n))
			return ok();
		return parseError(where, "bad modifier '" + n +
						 "' (an uppercase DRM_FORMAT_MOD_ name without that prefix, "
						 "such as LINEAR, or 0x followed by 1 to 16 hex digits)");
	}

	// `modifiers` written as a mapping from a format name to its list, as KMS reports them
	// per format (IN_FORMATS): {NV12: [BROADCOM_SAND128, LINEAR], XRGB8888: [LINEAR]}.
	Result<bool> modifierMapping(RuleSet &rules, const Node &key, const Node &v) const
	{
		Located<std::vector<FormatModifiers>> out{ {}, at(key), true };
		if (v.size() == 0)
			return parseError(at(v), "'modifiers' must not be empty (leave the key out to mean [LINEAR])");
		auto r = mapping(
			v, "the per-format 'modifiers'",
			[&](const std::string &format, const Node &fkey, const Node &list) -> Result<bool> {
				if (format.empty())
					return parseError(at(fkey), "a format name in 'modifiers' must not be empty");
				if (!list.isSequence())
					return parseError(at(list), "the modifiers of format '" + format +
									    "' must be a list, such as [LINEAR]");
				if (list.size() == 0)
					return parseError(at(list), "the modifiers of format '" + format +
									    "' must not be empty (leave the format out if the "
									    "device does not take it)");
				auto l = names(list, "modifiers of " + format);
				HEAPSOLVE_TRY(l);
				FormatModifiers f{ format, at(fkey), { {}, at(list), true } };
				for (const auto &[n, where] : *l) {
					HEAPSOLVE_TRY(checkModifier(n, where));
					f.modifiers.value.push_back(n);
				}
				out.value.push_back(std::move(f));
				return true;
			},
			"format names");
		HEAPSOLVE_TRY(r);
		rules.modifiersPerFormat = std::move(out);
		return true;
	}

	Result<bool> alignKey(RuleSet &rules, const Node &v) const
	{
		auto r = mapping(
			v, "align",
			[&](const std::string &k, const Node &, const Node &val) -> Result<bool> {
				std::optional<Located<uint64_t>> *slot = nullptr;
				if (k == "base")
					slot = &rules.alignBase;
				else if (k == "stride")
					slot = &rules.alignStride;
				else if (k == "height")
					slot = &rules.alignHeight;
				else if (k == "size")
					slot = &rules.alignSize;
				else
					return false;
				auto n = number(val, "align." + k);
				HEAPSOLVE_TRY(n);
				*slot = Located<uint64_t>{ *n, at(val), true };
				return true;
			},
			"base, stride, height, size");
		HEAPSOLVE_TRY(r);
		return true;
	}

	const std::string &file() const { return file_; }

private:
	const std::string &file_;
};

// What the loader keeps between files: names seen so far, references to resolve at the end.
struct Loader {
	System sys;
	std::map<std::string, Source> deviceOrHeapNames;
	// Device name -> index into sys.devices, for resolving every buffer's users by name without
	// a scan of all devices per user.
	std::map<std::string, size_t, std::less<>> deviceIndex;
	std::map<std::string, Source> bufferNames;
	std::optional<Source> policyAt;
	std::optional<Source> pageSizeAt; // the `page_size` key, when given

	Ok loadFile(const InputFile &in);
	Ok loadDocument(const FileReader &r, const Node &root);
	Ok loadHeap(const FileReader &r, const Node &n);
	Ok loadDevice(const FileReader &r, const Node &n);
	Ok loadBuffer(const FileReader &r, const Node &n);
	Ok loadPolicy(const FileReader &r, const Node &key, const Node &n);
	Ok loadPageSize(const FileReader &r, const Node &key, const Node &n);
	Ok claimDeviceOrHeapName(const std::string &name, const Source &at, std::string_view what);
	Result<UserRef> userRef(const FileReader &r, const Node &n, std::string_view key);
	Ok finish();
	Ok resolveUser(const UserRef &u);
};

Ok Loader::claimDeviceOrHeapName(const std::string &name, const Source &at, std::string_view what)
{
	auto [it, inserted] = deviceOrHeapNames.emplace(name, at);
	if (!inserted)
		return parseError(at, std::string(what) + " name '" + name + "' is already defined at " +
					      it->second.position() + " (heaps and devices share one namespace)");
	return ok();
}

Ok Loader::loadFile(const InputFile &in)
{
	FileReader r(in.name);
	try {
		// The first document, built from yaml-cpp's events into a compact tree (see
		// document.h); a second document is only looked for, never loaded.
		const yaml::Document doc = yaml::Document::parse(in.text);
		if (doc.root().isNull())
			return parseError(Source{ in.name, 1, 1 }, "empty file: expected a mapping that starts with 'version: 1'");
		if (const std::optional<YAML::Mark> &second = doc.secondDocument())
			return parseError(r.at(*second),
					  "a second YAML document in one file; give each part as its own file");
		return loadDocument(r, doc.root());
	} catch (const YAML::Exception &e) {
		return parseError(r.at(e.mark), e.msg);
	}
}

Ok Loader::loadDocument(const FileReader &r, const Node &root)
{
	bool hasVersion = false;
	auto res = r.mapping(
		root, "the top level",
		[&](const std::string &k, const Node &key, const Node &v) -> Result<bool> {
			if (k == "version") {
				auto n = r.number(v, "version");
				HEAPSOLVE_TRY(n);
				if (*n != 1)
					return parseError(r.at(v), "schema version " + std::string(v.scalar()) +
									   " is not supported (this heapsolve reads version 1)");
				hasVersion = true;
				return true;
			}
			if (k == "memory") {
				auto w = r.windows(key, v, "memory");
				HEAPSOLVE_TRY(w);
				for (const Window &win : w->windows)
					sys.memory.push_back(win);
				return true;
			}
			if (k == "heaps") {
				HEAPSOLVE_TRY(r.list(v, k, [&](const Node &n) { return loadHeap(r, n); }));
				return true;
			}
			if (k == "devices") {
				HEAPSOLVE_TRY(r.list(v, k, [&](const Node &n) { return loadDevice(r, n); }));
				return true;
			}
			if (k == "buffers") {
				HEAPSOLVE_TRY(r.list(v, k, [&](const Node &n) { return loadBuffer(r, n); }));
				return true;
			}
			if (k == "policy") {
				HEAPSOLVE_TRY(loadPolicy(r, key, v));
				return true;
			}
			if (k == "page_size") {
				HEAPSOLVE_TRY(loadPageSize(r, key, v));
				return true;
			}
			return false;
		},
		"version, page_size, memory, heaps, devices, buffers, policy");
	if (!res)
		return res;
	if (!hasVersion)
		return parseError(r.at(root), "missing 'version: 1'");
	return ok();
}

Ok Loader::loadHeap(const FileReader &r, const Node &n)
{
	Heap h;
	h.at = r.at(n);
	bool hasName = false, hasBackend = false;
	h.contiguous = { false, h.at, false };
	h.cached = { true, h.at, false };
	h.isProtected = { false, h.at, false };
	h.align = { 4096, h.at, false };
	std::optional<WindowList> regions;
	auto res = r.mapping(
		n, "a heap",
		[&](const std::string &k, const Node &key, const Node &v) -> Result<bool> {
			if (k == "name") {
				auto s = r.name(v);
				HEAPSOLVE_TRY(s);
				HEAPSOLVE_TRY(claimDeviceOrHeapName(*s, r.at(v), "heap"));
				h.name = *s;
				hasName = true;
				return true;
			}
			if (k == "backend") {
				auto s = r.string(v, k);
				HEAPSOLVE_TRY(s);
				auto b = backendFromName(*s);
				if (!b)
					return parseError(r.at(v), "unknown backend '" + *s +
									   "' (known: dma-heap, drm-dumb, udmabuf)");
				h.backend = { *b, r.at(v), true };
				hasBackend = true;
				return true;
			}
			if (k == "path") {
				auto s = r.string(v, k);
				HEAPSOLVE_TRY(s);
				h.path = Located<std::string>{ *s, r.at(v), true };
				return true;
			}
			if (k == "regions") {
				auto w = r.windows(key, v, "regions");
				HEAPSOLVE_TRY(w);
				regions = *w;
				return true;
			}
			if (k == "contiguous" || k == "cached" || k == "protected") {
				auto b = r.boolean(v, k);
				HEAPSOLVE_TRY(b);
				Located<bool> &slot = k == "contiguous" ? h.contiguous : k == "cached" ? h.cached
												       : h.isProtected;
				slot = { *b, r.at(v), true };
				return true;
			}
			if (k == "align") {
				auto a = r.number(v, k);
				HEAPSOLVE_TRY(a);
				if (*a % 4096 != 0)
					return parseError(r.at(v), "a heap's align must be a multiple of 4096, not " +
									   std::to_string(*a));
				h.align = { *a, r.at(v), true };
				return true;
			}
			if (k == "max_buffer" || k == "capacity") {
				auto m = r.number(v, k);
				HEAPSOLVE_TRY(m);
				(k == "max_buffer" ? h.maxBuffer : h.capacity) = Located<uint64_t>{ *m, r.at(v), true };
				return true;
			}
			return false;
		},
		"name, backend, path, contiguous, regions, cached, protected, align, max_buffer, capacity");
	if (!res)
		return res;
	if (!hasName)
		return parseError(h.at, "a heap needs a 'name'");
	if (!hasBackend)
		return parseError(h.at, "heap '" + h.name + "' needs a 'backend' (dma-heap, drm-dumb or udmabuf)");
	if (regions) {
		h.regionsFrom = RegionsFrom::Written;
		h.regions = *regions;
	}
	sys.heaps.push_back(std::move(h));
	return ok();
}

Ok Loader::loadDevice(const FileReader &r, const Node &n)
{
	Device d;
	d.at = r.at(n);
	d.iommu = { false, d.at, false };
	d.canAccessProtected = { false, d.at, false };
	bool hasName = false, hasKind = false;
	std::optional<std::pair<Node, Node>> planes;
	auto res = r.mapping(
		n, "a device",
		[&](const std::string &k, const Node &key, const Node &v) -> Result<bool> {
			if (k == "name") {
				auto s = r.name(v);
				HEAPSOLVE_TRY(s);
				HEAPSOLVE_TRY(claimDeviceOrHeapName(*s, r.at(v), "device"));
				d.name = *s;
				hasName = true;
				return true;
			}
			if (k == "kind") {
				auto s = r.string(v, k);
				HEAPSOLVE_TRY(s);
				auto kind = deviceKindFromName(*s);
				if (!kind)
					return parseError(r.at(v), "unknown device kind '" + *s +
									   "' (known: codec, render, display, camera, cpu, other)");
				d.kind = { *kind, r.at(v), true };
				hasKind = true;
				return true;
			}
			if (k == "iommu" || k == "protected") {
				auto b = r.boolean(v, k);
				HEAPSOLVE_TRY(b);
				(k == "iommu" ? d.iommu : d.canAccessProtected) = { *b, r.at(v), true };
				return true;
			}
			if (k == "planes") {
				planes = std::make_pair(key, v);
				return true;
			}
			return r.ruleKey(d.rules, k, key, v);
		},
		"name, kind, iommu, address, contiguous, align, max_stride, formats, modifiers, cache, chroma_stride, "
		"protected, planes");
	if (!res)
		return res;
	if (!hasName)
		return parseError(d.at, "a device needs a 'name'");
	if (!hasKind)
		return parseError(d.at, "device '" + d.name +
						"' needs a 'kind' (codec, render, display, camera, cpu or other)");
	if (!d.rules.modifiers && !d.rules.modifiersPerFormat)
		d.rules.modifiers = Located<std::vector<std::string>>{ { std::string(kLinearModifier) }, d.at, false };
	if (planes) {
		std::vector<std::pair<std::string, Source>> planeNames;
		auto l = r.list(planes->second, "planes", [&](const Node &pn) -> Ok {
			Plane p;
			p.at = r.at(pn);
			bool hasPlaneName = false;
			auto pr = r.mapping(
				pn, "a plane",
				[&](const std::string &k, const Node &key, const Node &v) -> Result<bool> {
					if (k == "name") {
						auto s = r.name(v);
						HEAPSOLVE_TRY(s);
						for (const auto &[other, where] : planeNames)
							if (other == *s)
								return parseError(r.at(v), "plane '" + *s + "' of device '" + d.name +
												   "' is already defined at " +
												   where.position());
						planeNames.emplace_back(*s, r.at(v));
						p.name = *s;
						hasPlaneName = true;
						return true;
					}
					return r.ruleKey(p.rules, k, key, v);
				},
				"name, address, contiguous, align, max_stride, formats, modifiers, cache, chroma_stride");
			if (!pr)
				return pr;
			if (!hasPlaneName)
				return parseError(p.at, "a plane needs a 'name'");
			d.planes.push_back(std::move(p));
			return ok();
		});
		if (!l)
			return l;
	}
	deviceIndex.emplace(d.name, sys.devices.size());
	sys.devices.push_back(std::move(d));
	return ok();
}

Result<UserRef> Loader::userRef(const FileReader &r, const Node &n, std::string_view key)
{
	auto s = r.string(n, key);
	HEAPSOLVE_TRY(s);
	UserRef u;
	u.at = r.at(n);
	const size_t slash = s->find('/');
	if (slash == std::string::npos) {
		u.device = *s;
	} else {
		u.device = s->substr(0, slash);
		u.plane = s->substr(slash + 1);
		if (u.device.empty() || u.plane->empty() || u.plane->find('/') != std::string::npos)
			return parseError(u.at, "'" + *s + "' is not a user: write 'device' or 'device/plane'");
	}
	return u;
}

Ok Loader::loadBuffer(const FileReader &r, const Node &n)
{
	Buffer b;
	b.at = r.at(n);
	b.count = { 1, b.at, false };
	b.isProtected = { false, b.at, false };
	bool hasName = false, hasFormat = false, hasWidth = false, hasHeight = false, hasProducer = false;
	auto res = r.mapping(
		n, "a buffer",
		[&](const std::string &k, const Node &, const Node &v) -> Result<bool> {
			if (k == "name") {
				auto s = r.name(v);
				HEAPSOLVE_TRY(s);
				auto [it, inserted] = bufferNames.emplace(*s, r.at(v));
				if (!inserted)
					return parseError(r.at(v), "buffer name '" + *s + "' is already defined at " +
									   it->second.position());
				b.name = *s;
				hasName = true;
				return true;
			}
			if (k == "format") {
				auto s = r.string(v, k);
				HEAPSOLVE_TRY(s);
				const FormatInfo *f = findFormat(*s);
				if (!f)
					return parseError(r.at(v), "unknown buffer format '" + *s +
									   "' (see the format table in docs/schema.md)");
				b.format = { f, r.at(v), true };
				hasFormat = true;
				return true;
			}
			if (k == "width" || k == "height" || k == "count") {
				auto num = r.number(v, k);
				HEAPSOLVE_TRY(num);
				(k == "width" ? b.width : k == "height" ? b.height
									: b.count) = { *num, r.at(v), true };
				hasWidth |= k == "width";
				hasHeight |= k == "height";
				return true;
			}
			if (k == "protected") {
				auto p = r.boolean(v, k);
				HEAPSOLVE_TRY(p);
				b.isProtected = { *p, r.at(v), true };
				return true;
			}
			if (k == "producer") {
				auto u = userRef(r, v, k);
				HEAPSOLVE_TRY(u);
				b.producer = *u;
				hasProducer = true;
				return true;
			}
			if (k == "consumers") {
				// names() rejects an empty list and a consumer written twice.
				HEAPSOLVE_TRY(r.names(v, k));
				for (const Node item : v.items()) {
					auto u = userRef(r, item, k);
					HEAPSOLVE_TRY(u);
					b.consumers.push_back(*u);
				}
				return true;
			}
			return false;
		},
		"name, format, width, height, count, protected, producer, consumers");
	if (!res)
		return res;
	if (!hasName)
		return parseError(b.at, "a buffer needs a 'name'");
	for (auto [has, key] : { std::pair{ hasFormat, "format" }, std::pair{ hasWidth, "width" },
				 std::pair{ hasHeight, "height" }, std::pair{ hasProducer, "producer" } })
		if (!has)
			return parseError(b.at, "buffer '" + b.name + "' needs '" + key + "'");
	for (const UserRef &c : b.consumers)
		if (c.str() == b.producer.str())
			return parseError(c.at, "'" + c.str() + "' is the producer of buffer '" + b.name +
							"' and cannot also be its consumer");
	sys.buffers.push_back(std::move(b));
	return ok();
}

Ok Loader::loadPolicy(const FileReader &r, const Node &key, const Node &n)
{
	if (policyAt)
		return parseError(r.at(key), "'policy' is already given at " + policyAt->position() +
						     " (it may appear in one file only)");
	policyAt = r.at(key);
	sys.policy.at = policyAt;
	return r.mapping(
		n, "policy",
		[&](const std::string &k, const Node &, const Node &v) -> Result<bool> {
			if (k != "prefer" && k != "forbid_backends")
				return false;
			auto l = r.names(v, k);
			HEAPSOLVE_TRY(l);
			for (const auto &[text, where] : *l) {
				if (k == "prefer") {
					sys.policy.prefer.push_back({ text, where, true });
					continue;
				}
				auto b = backendFromName(text);
				if (!b)
					return parseError(where, "unknown backend '" + text +
									 "' in forbid_backends (known: dma-heap, drm-dumb, udmabuf)");
				sys.policy.forbidBackends.push_back({ *b, where, true });
			}
			return true;
		},
		"prefer, forbid_backends");
}

Ok Loader::loadPageSize(const FileReader &r, const Node &key, const Node &n)
{
	if (pageSizeAt)
		return parseError(r.at(key), "'page_size' is already given at " + pageSizeAt->position() +
						     " (it may appear in one file only)");
	pageSizeAt = r.at(key);
	auto size = r.number(n, "page_size");
	HEAPSOLVE_TRY(size);
	if (*size < kDefaultPageSize || (*size & (*size - 1)) != 0)
		return parseError(r.at(n), "page_size must be a power of two of at least 4096, not " +
						   std::to_string(*size));
	sys.pageSize = { *size, r.at(n), true };
	return ok();
}

Ok Loader::resolveUser(const UserRef &u)
{
	const auto found = deviceIndex.find(u.device);
	const Device *d = found == deviceIndex.end() ? nullptr : &sys.devices[found->second];
	if (!d) {
		if (sys.findHeap(u.device))
			return parseError(u.at, "'" + u.device + "' is a heap, not a device");
		return parseError(u.at, "unknown device '" + u.device + "'");
	}
	if (u.plane && !d->findPlane(*u.plane))
		return parseError(u.at, "device '" + u.device + "' has no plane '" + *u.plane + "'");
	return ok();
}

Ok Loader::finish()
{
	for (const Buffer &b : sys.buffers) {
		if (auto r = resolveUser(b.producer); !r)
			return r;
		for (const UserRef &c : b.consumers)
			if (auto r = resolveUser(c); !r)
				return r;
	}
	for (const auto &p : sys.policy.prefer) {
		if (sys.findHeap(p.value))
			continue;
		if (sys.findDevice(p.value))
			return parseError(p.at, "policy.prefer names '" + p.value + "', a device; it lists heaps");
		return parseError(p.at, "policy.prefer names unknown heap '" + p.value + "'");
	}
	// A heap's align defaults to the page size and must be a multiple of it; page_size may come
	// from any file, so this waits until all are read.
	for (Heap &h : sys.heaps) {
		if (!h.align.written) {
			h.align.value = sys.pageSize.value;
			continue;
		}
		if (h.align.value % sys.pageSize.value != 0)
			return parseError(h.align.at, "heap '" + h.name + "': align " + std::to_string(h.align.value) +
							      " is not a multiple of page_size " +
							      std::to_string(sys.pageSize.value) + " (" +
							      sys.pageSize.at.position() + ")");
	}
	// A heap that writes no regions allocates from the board's memory, when that is given.
	for (Heap &h : sys.heaps) {
		if (h.regionsFrom == RegionsFrom::Unknown && !sys.memory.empty()) {
			h.regionsFrom = RegionsFrom::Memory;
			h.regions = WindowList{ sys.memory, h.at };
		}
		for (const Window &w : h.regions.windows) {
			auto total = checkedAdd(h.regionTotal, w.size);
			if (!total)
				return std::unexpected(Error(OverflowError{ h.regionsFrom == RegionsFrom::Written ? h.regions.at : h.at,
									    "the total size of heap '" + h.name + "' regions" }));
			h.regionTotal = *total;
			h.largestRegion = std::max(h.largestRegion, w.size);
		}
	}
	return ok();
}

} // namespace

Result<System> parseSystem(std::span<const InputFile> files)
{
	Loader loader;
	for (const InputFile &f : files) {
		loader.sys.files.push_back(f.name);
		HEAPSOLVE_TRY(loader.loadFile(f));
	}
	HEAPSOLVE_TRY(loader.finish());
	return std::move(loader.sys);
}

Result<System> loadSystem(std::span<const InputFile> files)
{
	return parseSystem(files);
}

Result<std::vector<InputFile>> readInputFiles(std::span<const std::string> paths)
{
	std::vector<InputFile> files;
	for (const std::string &path : paths) {
		HEAPSOLVE_TRY_ASSIGN(std::string text, readFile(path));
		files.push_back({ path, std::move(text) });
	}
	return files;
}

Result<System> loadSystemFromPaths(std::span<const std::string> paths)
{
	HEAPSOLVE_TRY_ASSIGN(const std::vector<InputFile> files, readInputFiles(paths));
	return loadSystem(files);
}

} // namespace heapsolve
