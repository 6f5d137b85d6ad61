// SPDX-License-Identifier: Apache-2.0
#include "constraints/format_modifier.h"

namespace heapsolve {

bool isValidModifierName(std::string_view name)
{
	if (name.starts_with("0x")) {
		const std::string_view digits = name.substr(2);
		if (digits.empty() || digits.size() > 16)
			return false;
		for (char c : digits)
			if ((c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F'))
				return false;
		return true;
	}
	if (name.empty() || name[0] < 'A' || name[0] > 'Z')
		return false;
	for (char c : name)
		if ((c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_')
			return false;
	return !name.starts_with("DRM_FORMAT_MOD_");
}

} // namespace heapsolve
