// SPDX-License-Identifier: Apache-2.0
// Fuzzes yaml::Document differentially: any bytes must read exactly as yaml-cpp's own node tree
// reads them (outcome, kinds, positions, plainness, texts, order), which is what the loader read
// before Document replaced YAML::Load. A difference is a broken invariant.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/constraints/yaml/document_diff.h"
#include "tests/fuzz/split.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	using namespace heapsolve;
	// Split as the other targets split, so that the shared corpus is a corpus of files here too.
	const std::vector<InputFile> files = fuzz::splitInput(data, size);
	for (const InputFile &f : files)
		if (auto d = yaml::testing::diffWithYamlCpp(f.text))
			fuzz::violated(f.name + ": yaml::Document differs from YAML::Load: " + *d, files);
	return 0;
}
