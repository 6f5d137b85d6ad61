// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/devicetree.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "adapters/fd/read_file.h"

namespace heapsolve::devicetree {

namespace {

size_t indentOf(const std::string &line)
{
	return line.find_first_not_of(' ') == std::string::npos ? line.size() : line.find_first_not_of(' ');
}

bool isComment(const std::string &line)
{
	const size_t i = indentOf(line);
	return i < line.size() && line[i] == '#';
}

bool isBlank(const std::string &line) { return indentOf(line) == line.size(); }

// The value of a `# KEY: value` comment line, or nullopt.
std::optional<std::string> commentValue(const std::string &line, const std::string &key)
{
	if (!isComment(line))
		return std::nullopt;
	std::string rest = line.substr(indentOf(line) + 1);
	rest.erase(0, rest.find_first_not_of(' '));
	if (rest.rfind(key + ":", 0) != 0)
		return std::nullopt;
	rest = rest.substr(key.size() + 1);
	return rest.substr(0, rest.find('(')); // a parenthesis starts the citation
}

std::string keyOf(const std::string &line, size_t indent)
{
	if (indentOf(line) != indent || isComment(line))
		return "";
	const size_t colon = line.find(':', indent);
	return colon == std::string::npos ? "" : line.substr(indent, colon - indent);
}

} // namespace

Result<std::vector<ProfileDevice>> profilesFromFiles(std::span<const InputFile> files)
{
	std::vector<ProfileDevice> out;
	for (const InputFile &file : files) {
		auto system = loadSystem(std::span<const InputFile>(&file, 1));
		HEAPSOLVE_TRY_FRAME(system, "reading the profiles");
		std::vector<std::string> lines;
		{
			std::istringstream in(file.text);
			for (std::string l; std::getline(in, l);)
				lines.push_back(l);
		}
		const auto &devices = system->devices;
		// `# dt-soc: ...` before the first device: the boards (root compatible) it applies to.
		std::vector<std::string> socs;
		for (size_t i = 0; i < lines.size() && (devices.empty() || static_cast<int>(i) + 1 < devices[0].at.line); ++i)
			if (auto v = commentValue(lines[i], "dt-soc")) {
				std::istringstream words(*v);
				for (std::string w; words >> w;)
					socs.push_back(w);
			}
		for (size_t k = 0; k < devices.size(); ++k) {
			const heapsolve::Device &dev = devices[k];
			// The entry's lines: from its `- name:` to the line before the next entry.
			const size_t first = static_cast<size_t>(dev.at.line) - 1;
			size_t last = k + 1 < devices.size() ? static_cast<size_t>(devices[k + 1].at.line) - 1 : lines.size();
			if (first >= lines.size())
				continue;
			last = std::min(last, lines.size());
			// Comments and blank lines at the end belong to the next entry.
			while (last > first + 1 && (isBlank(lines[last - 1]) || isComment(lines[last - 1])))
				--last;
			ProfileDevice p;
			p.socs = socs;
			p.file = file.name;
			p.line = dev.at.line;
			p.name = dev.name;
			if (dev.kind.written) {
				p.kind = std::string(deviceKindName(dev.kind.value));
				p.kindLine = dev.kind.at.line;
			}
			if (dev.iommu.written && dev.iommu.value) {
				p.iommu = true;
				p.iommuLine = dev.iommu.at.line;
			}
			if (dev.rules.address)
				for (const Window &w : dev.rules.address->windows)
					p.address.push_back(Span{ w.base, w.size, file.name + ":" + std::to_string(w.at.line) });
			const size_t dash = lines[first].find('-');
			const size_t keyIndent = dash == std::string::npos ? indentOf(lines[first]) : dash + 2;
			std::vector<ProfileDevice::Line> pending;
			bool keep = false;
			for (size_t i = first + 1; i < last; ++i) {
				const std::string &l = lines[i];
				const int lineNo = static_cast<int>(i) + 1;
				if (auto v = commentValue(l, "dt-compatible")) {
					std::istringstream words(*v);
					for (std::string w; words >> w;)
						p.compatibles.push_back(w);
					continue;
				}
				if (auto v = commentValue(l, "dt-dma-mask")) {
					unsigned bits = 0;
					std::istringstream number(*v);
					number >> bits;
					if (bits >= 12 && bits <= 64) {
						p.dmaMaskBits = bits;
						p.dmaMaskLine = lineNo;
						continue;
					}
					return parseError(Source{ file.name, lineNo, static_cast<int>(indentOf(l)) + 1 },
							  "dt-dma-mask: expected a number of bits from 12 to 64, not '" + *v + "'");
				}
				// Re-indent to the importer's device keys (4 spaces).
				std::string text = std::string(4, ' ') + (indentOf(l) >= keyIndent ? l.substr(keyIndent) : l.substr(indentOf(l)));
				if (isBlank(l))
					continue;
				if (isComment(l) && indentOf(l) <= keyIndent) {
					pending.push_back({ text, lineNo });
					continue;
				}
				const std::string key = keyOf(l, keyIndent);
				if (!key.empty()) {
					keep = key != "name" && key != "kind" && key != "iommu" && key != "address";
					if (keep)
						for (auto &c : pending)
							p.rest.push_back(c);
					pending.clear();
				}
				if (keep)
					p.rest.push_back({ text, lineNo });
			}
			if (!p.compatibles.empty())
				out.push_back(std::move(p));
		}
	}
	return out;
}

Result<std::string> readBlob(const std::string &path) { return readFile(path); }

Result<std::vector<ProfileDevice>> loadProfiles(const std::string &dir)
{
	std::error_code ec;
	std::vector<std::string> socs;
	for (const auto &entry : std::filesystem::directory_iterator(dir, ec))
		if (entry.is_directory(ec) && std::filesystem::exists(entry.path() / "devices.yaml", ec))
			socs.push_back(entry.path().filename().string());
	if (ec)
		return std::unexpected(Error(FileError{ dir, ec.value() }));
	std::sort(socs.begin(), socs.end());
	std::vector<InputFile> files;
	for (const std::string &soc : socs) {
		const std::string path = (std::filesystem::path(dir) / soc / "devices.yaml").string();
		HEAPSOLVE_TRY_ASSIGN(std::string text, readFile(path));
		files.push_back(InputFile{ path, std::move(text) });
	}
	return profilesFromFiles(files);
}

} // namespace heapsolve::devicetree
