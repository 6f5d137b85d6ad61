// SPDX-License-Identifier: Apache-2.0
// Test systems written inline as schema-1 YAML (one file, sys.yaml, whose line 1 is "version: 1").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "heapsolve/loader.h"

namespace heapsolve::testing {

// Loads "version: 1\n" + text as sys.yaml; a load error fails the calling test.
inline System loadOk(const std::string &text)
{
	std::vector<InputFile> files{ { "sys.yaml", "version: 1\n" + text } };
	auto sys = loadSystem(files);
	EXPECT_TRUE(sys) << sys.error().message();
	return sys ? std::move(*sys) : System{};
}

} // namespace heapsolve::testing
