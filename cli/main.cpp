// SPDX-License-Identifier: Apache-2.0
// The heapsolve command line. Each subcommand lives in its own file; this only parses arguments.
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/check.h"
#include "cli/kernel.h"
#include "heapsolve/logging.h"
#include "heapsolve/version.h"

namespace {

constexpr const char *kVersion = "heapsolve " HEAPSOLVE_VERSION_STRING " (schema 1)";

} // namespace

static int run(int argc, char **argv)
{
	using namespace heapsolve::cli;

	// The library's messages (an allocation falling back, a dma-buf the kernel would not name)
	// go to stderr beside the commands' own errors, never to stdout, which holds probe's YAML
	// and check's JSON. At the library's default level: warnings and errors.
	heapsolve::setLogSink([](std::string_view category, heapsolve::LogSeverity severity, std::string_view text) {
		std::cerr << "[" << category << "] " << heapsolve::logSeverityName(severity) << ": " << text << "\n";
	});

	CLI::App app{ "heapsolve: decide where a media buffer must live so that every device touching it can "
		      "use it, and allocate it there.",
		      "heapsolve" };
	app.set_version_flag("--version", kVersion);
	app.require_subcommand(1);
	app.failure_message([](const CLI::App *, const CLI::Error &e) {
		return std::string("heapsolve: error: ") + e.what() + "\nRun 'heapsolve --help' for usage.\n";
	});

	int status = kExitOk;

	std::vector<std::string> checkFiles;
	bool checkJson = false;
	bool checkDot = false;
	bool checkExplain = false;
	CLI::App *check = app.add_subcommand(
		"check", "Solve every buffer of the system described by FILEs (board, devices, pipeline, in order); "
			 "print a plan or an explanation for each. Exit 0: all solved; 1: at least one "
			 "unsatisfiable; 2: bad input or usage.");
	auto *json = check->add_flag("--json", checkJson, "print one JSON object (see docs/cli.md) instead of a table");
	check->add_flag("--dot", checkDot,
			"print a Graphviz DOT picture of devices, planes, buffers and heaps instead of a table "
			"(render with: dot -Tsvg -o system.svg)")
		->excludes(json);
	check->add_flag("--explain", checkExplain,
			"with --json, also give each unsatisfiable buffer its minimal conflict (\"minimal\") and "
			"copy split (\"split\"); the table always shows them")
		->needs(json);
	check->add_option("FILE", checkFiles, "schema-1 YAML files, merged in order")->required();
	check->callback([&] {
		CheckOptions options;
		options.format = checkJson ? CheckFormat::Json : checkDot ? CheckFormat::Dot
									  : CheckFormat::Text;
		options.explain = checkExplain;
		status = runCheck(checkFiles, options, std::cout, std::cerr);
	});

	CLI::App *probe = app.add_subcommand(
		"probe", "Describe this machine's heaps (DMA-BUF heaps, udmabuf, DRM devices and their planes' "
			 "formats/modifiers) and its device tree's DMA masters (/sys/firmware/fdt) as schema-1 "
			 "YAML; with --dtb, a device tree blob instead. Exit 0; 2 when nothing can be read.");
	std::string probeDtb;
	DtbProbeOptions probeOptions;
	bool probeNoCapacity = false;
	probe->add_option("--dtb", probeDtb,
			  "read this device tree blob instead of the machine (offline): memory, CMA pools as heaps, "
			  "DMA masters as devices; exit 2 on a bad blob");
	probe->add_option("--profiles", probeOptions.profilesDir,
			  "device profiles matched by DT compatible (default: none; e.g. profiles/)");
	probe->add_flag("--no-capacity", probeNoCapacity, "leave the heap key `capacity` out (a comment keeps it)");
	std::string probeFdt = "/sys/firmware/fdt";
	probe->add_option("--fdt", probeFdt,
			  "the live probe: merge the DMA masters of this device tree blob instead of the firmware's "
			  "(default /sys/firmware/fdt, skipped when missing; e.g. a copy saved from the running board)")
		->excludes("--dtb");
	probe->callback([&] {
		probeOptions.capacity = !probeNoCapacity;
		status = probeDtb.empty() ? runProbeLive(probeFdt, probeOptions, std::cout, std::cerr)
					  : runProbeDtb(probeDtb, probeOptions, std::cout, std::cerr);
	});

	std::vector<std::string> allocFiles;
	std::string allocBuffer;
	CLI::App *alloc = app.add_subcommand(
		"alloc", "Solve, then really allocate buffer NAME through the chosen adapter; report each "
			 "dma-buf's size and exporter. Exit 0: allocated; 1: unsatisfiable; 2: bad input; "
			 "3: the allocation was refused (by the kernel: errno shown; or by heapsolve's own "
			 "limits).");
	alloc->add_option("FILE", allocFiles, "schema-1 YAML files, merged in order")->required();
	alloc->add_option("--buffer", allocBuffer, "the buffer to allocate")->required();
	alloc->callback([&] { status = runAlloc(allocFiles, allocBuffer, std::cout, std::cerr); });

	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		// --help and --version exit 0; every other parse problem is a usage error (2).
		const int code = app.exit(e);
		return code == 0 ? kExitOk : kExitBadInput;
	}
	return status;
}

int main(int argc, char **argv)
{
	// Out of memory, or an exception of a library nobody expected, ends the command with its
	// message and exit 2 instead of std::terminate's abort.
	try {
		return run(argc, argv);
	} catch (const std::exception &e) {
		std::cerr << "heapsolve: error: " << e.what() << "\n";
		return heapsolve::cli::kExitBadInput;
	}
}
