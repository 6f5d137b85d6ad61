// SPDX-License-Identifier: Apache-2.0
// Writing schema-1 YAML: the one way the writers (probe, the device-tree importer) quote a name.
#pragma once

#include <string>
#include <string_view>

namespace heapsolve {

// A double-quoted YAML scalar: names such as "linux,cma" or "pool@50000000" need quoting in flow
// context; '"' and '\' are escaped, nothing else is changed.
inline std::string yamlQuoted(std::string_view s)
{
	std::string out = "\"";
	for (char c : s) {
		if (c == '"' || c == '\\')
			out += '\\';
		out += c;
	}
	return out + "\"";
}

} // namespace heapsolve
