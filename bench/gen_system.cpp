// SPDX-License-Identifier: Apache-2.0
// Writes a generated system as YAML files for the CLI benchmark:
//   gen_system BUFFERS SEED DIR  ->  DIR/board.yaml DIR/devices.yaml DIR/pipeline.yaml
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "bench/generator.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		std::cerr << "usage: gen_system BUFFERS SEED DIR\n";
		return 2;
	}
	const size_t buffers = std::strtoull(argv[1], nullptr, 10);
	const uint64_t seed = std::strtoull(argv[2], nullptr, 10);
	const std::filesystem::path dir(argv[3]);
	std::filesystem::create_directories(dir);
	for (const heapsolve::InputFile &f : heapsolve::bench::generateSystem(buffers, seed)) {
		std::ofstream out(dir / f.name, std::ios::binary);
		out << f.text;
		if (!out) {
			std::cerr << "gen_system: cannot write " << (dir / f.name).string() << "\n";
			return 1;
		}
	}
	return 0;
}
