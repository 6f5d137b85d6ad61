// SPDX-License-Identifier: Apache-2.0
// `heapsolve probe --dtb` in process, on a real DTB (target: under 20 ms for the largest of the
// twelve boards of tests/devicetree/real_dtbs.sh, qrb5165-rb5.dtb, 131,743 bytes in Debian's
// linux-image-6.12.118+deb12-arm64). The DTB is not in the tree (it comes from a Debian package):
//     bazel run -c opt //bench:dtb_bench -- DTB [PROFILES_DIR]
// (real_dtbs.sh leaves the DTBs under ~/.cache/heapsolve/dtbs/).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "heapsolve/devicetree.h"

namespace {

std::string gDtb;
std::string gProfiles;

std::span<const uint8_t> bytes(const std::string &s) { return { reinterpret_cast<const uint8_t *>(s.data()), s.size() }; }

// What the command does: read the blob, read the profiles, import, write YAML.
void BM_ProbeDtb(benchmark::State &state)
{
	using namespace heapsolve::devicetree;
	size_t out = 0;
	for (auto _ : state) {
		auto blob = readBlob(gDtb);
		Options o;
		o.sourceName = gDtb;
		if (!gProfiles.empty())
			o.profiles = *loadProfiles(gProfiles);
		auto yaml = dtbToYaml(bytes(*blob), o);
		out = yaml->size();
		benchmark::DoNotOptimize(out);
	}
	state.counters["yaml_bytes"] = static_cast<double>(out);
}

// The pure part alone: the blob already in memory, no profiles.
void BM_ImportOnly(benchmark::State &state)
{
	using namespace heapsolve::devicetree;
	const std::string blob = *readBlob(gDtb);
	for (auto _ : state) {
		auto d = importDtb(bytes(blob), Options{});
		benchmark::DoNotOptimize(d);
	}
	state.counters["dtb_bytes"] = static_cast<double>(blob.size());
}

} // namespace

int main(int argc, char **argv)
{
	benchmark::Initialize(&argc, argv);
	if (argc < 2) {
		std::fprintf(stderr, "usage: dtb_bench [benchmark flags] DTB [PROFILES_DIR]\n");
		return 2;
	}
	gDtb = argv[1];
	gProfiles = argc > 2 ? argv[2] : "";
	auto blob = heapsolve::devicetree::readBlob(gDtb);
	if (!blob || !heapsolve::devicetree::dtbToYaml(bytes(*blob), {})) {
		std::fprintf(stderr, "%s: not a readable DTB\n", gDtb.c_str());
		return 2;
	}
	if (!gProfiles.empty() && !heapsolve::devicetree::loadProfiles(gProfiles)) {
		std::fprintf(stderr, "%s: the profiles do not load\n", gProfiles.c_str());
		return 2;
	}
	benchmark::RegisterBenchmark("BM_ProbeDtb", BM_ProbeDtb)->Unit(benchmark::kMillisecond);
	benchmark::RegisterBenchmark("BM_ImportOnly", BM_ImportOnly)->Unit(benchmark::kMillisecond);
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
