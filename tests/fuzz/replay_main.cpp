// SPDX-License-Identifier: Apache-2.0
// The fuzz targets' main() in the normal build: runs LLVMFuzzerTestOneInput once on every file
// named (a directory means each regular file in it, in name order), as libFuzzer does when given
// files. Used by fuzz_replay_test to replay the seed corpus and saved crashes without libFuzzer.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	std::vector<std::filesystem::path> inputs;
	for (int i = 1; i < argc; ++i) {
		const std::filesystem::path p(argv[i]);
		if (std::filesystem::is_directory(p)) {
			for (const auto &e : std::filesystem::directory_iterator(p))
				if (e.is_regular_file())
					inputs.push_back(e.path());
		} else {
			inputs.push_back(p);
		}
	}
	std::sort(inputs.begin(), inputs.end());
	for (const auto &p : inputs) {
		std::ifstream in(p, std::ios::binary);
		if (!in) {
			std::fprintf(stderr, "cannot read %s\n", p.c_str());
			return 2;
		}
		const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
		LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
	}
	std::printf("replayed %zu inputs\n", inputs.size());
	return 0;
}
