// SPDX-License-Identifier: Apache-2.0
// Issue 13: the per-frame cost of heapsolvealloc against identity in the same pipeline, built in
// this process:
//   identity/<W>x<H>              videotestsrc ! CAPS ! identity ! fakevideosink
//   heapsolvealloc-memfd/<W>x<H>  videotestsrc ! CAPS ! heapsolvealloc ... memfd=true ! fakevideosink
//   heapsolvealloc-dmaheap/<W>x<H> the same without memfd=true: the plan's heap, /dev/dma_heap/system
//                                 (registered only where that node exists: tests/vm/gst_bench.sh
//                                 runs this in the media kernel)
// CAPS is NV12 at 1920x1080 and at 320x240. Each iteration builds the pipeline, runs N frames to
// EOS and tears it down; the time reported (manual time) runs from the sink's 10th frame to its
// last, so pipeline setup, the plan and the pools' first allocations are outside it and what is
// left is the steady state: videotestsrc painting a frame into a recycled buffer, the element's
// chain function, the sink. Counters per timed frame: frame_ns (wall) and cpu_ns (CPU time of the
// whole process, every thread, from CLOCK_PROCESS_CPUTIME_ID: less disturbed by other load on
// the machine than wall time).
// The sink is fakevideosink (gst-plugins-bad), not fakesink: the plan's NV12 chroma plane starts
// on a page (schema.md), which is not GStreamer's default layout for 1080 lines, so the element
// needs a sink that accepts GstVideoMeta; fakesink answers no ALLOCATION query and the element
// would rightly refuse. Both pipelines use the same sink.
// Each run checks where the frames lived: in the heapsolvealloc runs the sink's first buffer must
// be fd memory (memfd) or dma-buf memory (dma-heap), so a pipeline that silently bypassed the
// pool cannot give a figure. Plugins are loaded by file (coreelements, videotestsrc,
// debugutilsbad, the built libgstheapsolve.so), with no registry scan: in the VM under TCG a scan
// of Debian's plugins takes minutes.
// Flags besides Google Benchmark's: --smoke (one iteration of 30 frames each, for
// //bench:gst_bench_smoke_test), --frames=N (one iteration of N frames each: bench/gst_callgrind.sh
// counts instructions per frame from two such runs), --plugin=PATH, --system-file=PATH (default:
// the runfiles).
// Exit status 1 when any benchmark reported an error.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <dlfcn.h>
#include <string>
#include <unistd.h>
#include <vector>

#include <gst/allocators/allocators.h>
#include <gst/gst.h>

namespace {

enum class Mode { Identity,
		  Memfd,
		  DmaHeap };

struct Config {
	std::string plugin;
	std::string systemFile;
	bool smoke = false;
	unsigned frames = 0; // --frames=N: N frames per pipeline, one iteration
};
Config config;
std::atomic<bool> anyError{ false };

constexpr unsigned kWarmFrames = 10;

double seconds(const timespec &a, const timespec &b)
{
	return double(b.tv_sec - a.tv_sec) + double(b.tv_nsec - a.tv_nsec) * 1e-9;
}

// Written by the streaming thread (the sink pad's probe), read after EOS.
struct Frames {
	unsigned last = 0;
	std::atomic<unsigned> seen{ 0 };
	bool fdMemory = false, dmabufMemory = false;
	timespec wall0{}, wall1{}, cpu0{}, cpu1{};
};

GstPadProbeReturn countFrame(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	auto *f = static_cast<Frames *>(data);
	const unsigned n = ++f->seen;
	if (n == 1) {
		GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
		GstMemory *m = gst_buffer_n_memory(b) ? gst_buffer_peek_memory(b, 0) : nullptr;
		f->fdMemory = m && gst_is_fd_memory(m);
		f->dmabufMemory = m && gst_is_dmabuf_memory(m);
	}
	if (n == kWarmFrames) {
		clock_gettime(CLOCK_MONOTONIC, &f->wall0);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &f->cpu0);
	} else if (n == f->last) {
		clock_gettime(CLOCK_MONOTONIC, &f->wall1);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &f->cpu1);
	}
	return GST_PAD_PROBE_OK;
}

std::string middleOf(Mode mode)
{
	if (mode == Mode::Identity)
		return "identity";
	return "heapsolvealloc system-files=<" + config.systemFile + "> producer=camera consumers=<display>" +
	       (mode == Mode::Memfd ? " memfd=true" : "");
}

void fail(benchmark::State &state, const std::string &why)
{
	anyError = true;
	state.SkipWithError(why.c_str());
}

// One pipeline from NULL to EOS; false (and the state skipped with the reason) on any failure.
bool runOnce(benchmark::State &state, Mode mode, int width, int height, unsigned frames, Frames &f)
{
	const std::string line = "videotestsrc num-buffers=" + std::to_string(frames) +
				 " pattern=black ! video/x-raw,format=NV12,width=" + std::to_string(width) +
				 ",height=" + std::to_string(height) + ",framerate=30/1 ! " + middleOf(mode) +
				 " ! fakevideosink name=sink sync=false";
	GError *err = nullptr;
	GstElement *pipeline = gst_parse_launch(line.c_str(), &err);
	if (!pipeline || err) {
		fail(state, "gst_parse_launch: " + std::string(err ? err->message : "failed") + ": " + line);
		g_clear_error(&err);
		if (pipeline)
			gst_object_unref(pipeline);
		return false;
	}
	f.last = frames;
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, countFrame, &f, nullptr);
	gst_object_unref(pad);
	gst_object_unref(sink);

	GstBus *bus = gst_element_get_bus(pipeline);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstMessage *msg = gst_bus_timed_pop_filtered(bus, 600 * GST_SECOND,
						     GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	std::string error;
	if (!msg) {
		error = "no EOS within 600 s";
	} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
		GError *e = nullptr;
		gchar *debug = nullptr;
		gst_message_parse_error(msg, &e, &debug);
		error = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(msg))) + ": " + e->message + " (" +
			(debug ? debug : "") + ")";
		g_error_free(e);
		g_free(debug);
	}
	if (msg)
		gst_message_unref(msg);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(pipeline);

	if (error.empty() && f.seen != frames)
		error = "the sink saw " + std::to_string(f.seen.load()) + " frames, not " + std::to_string(frames);
	if (error.empty() && mode == Mode::Memfd && !f.fdMemory)
		error = "the frames are not fd memory: they did not come from heapsolvealloc's memfd pool";
	if (error.empty() && mode == Mode::DmaHeap && !f.dmabufMemory)
		error = "the frames are not dma-bufs: they did not come from heapsolvealloc's heap pool";
	if (!error.empty()) {
		fail(state, error);
		return false;
	}
	return true;
}

void pipelineBench(benchmark::State &state, Mode mode, int width, int height, unsigned frames)
{
	const unsigned timed = frames - kWarmFrames;
	double wallPerFrame = 0, cpuPerFrame = 0;
	for (auto _ : state) {
		Frames f;
		if (!runOnce(state, mode, width, height, frames, f))
			return;
		const double wall = seconds(f.wall0, f.wall1);
		state.SetIterationTime(wall);
		wallPerFrame += wall / timed * 1e9;
		cpuPerFrame += seconds(f.cpu0, f.cpu1) / timed * 1e9;
	}
	state.SetItemsProcessed(int64_t(state.iterations()) * timed);
	state.counters["frame_ns"] = benchmark::Counter(wallPerFrame, benchmark::Counter::kAvgIterations);
	state.counters["cpu_ns"] = benchmark::Counter(cpuPerFrame, benchmark::Counter::kAvgIterations);
	state.counters["frames"] = timed;
}

// The directory of Debian's plugins: next to libgstreamer-1.0.so.0, in gstreamer-1.0/.
std::string systemPluginDir()
{
	Dl_info info{};
	if (!dladdr(reinterpret_cast<void *>(&gst_init), &info) || !info.dli_fname)
		return "";
	std::string lib = info.dli_fname;
	return lib.substr(0, lib.rfind('/')) + "/gstreamer-1.0";
}

bool loadPlugin(const std::string &path)
{
	GError *err = nullptr;
	GstPlugin *p = gst_plugin_load_file(path.c_str(), &err);
	if (!p) {
		fprintf(stderr, "gst_bench: cannot load %s: %s\n", path.c_str(), err ? err->message : "?");
		g_clear_error(&err);
		return false;
	}
	gst_object_unref(p);
	return true;
}

// A runfile of this binary: under `bazel test` (the smoke test) the test's runfiles tree
// (TEST_SRCDIR), else the binary's own <binary>.runfiles.
std::string runfile(const std::string &path)
{
	for (const char *var : { "RUNFILES_DIR", "TEST_SRCDIR" })
		if (const char *dir = getenv(var))
			return std::string(dir) + "/heapsolve/" + path;
	char exe[4096];
	const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return path;
	exe[n] = 0;
	return std::string(exe) + ".runfiles/heapsolve/" + path;
}

} // namespace

int main(int argc, char **argv)
{
	config.plugin = runfile("gst/libgstheapsolve.so");
	config.systemFile = runfile("bench/data/gst_board.yaml");
	std::vector<char *> rest;
	for (int i = 0; i < argc; ++i) {
		const std::string a = argv[i];
		if (a == "--smoke")
			config.smoke = true;
		else if (a.rfind("--frames=", 0) == 0)
			config.frames = unsigned(std::stoul(a.substr(9)));
		else if (a.rfind("--plugin=", 0) == 0)
			config.plugin = a.substr(9);
		else if (a.rfind("--system-file=", 0) == 0)
			config.systemFile = a.substr(14);
		else
			rest.push_back(argv[i]);
	}
	int restc = int(rest.size());

	// No registry scan of the system's or the user's plugins: only what is loaded below.
	g_setenv("GST_REGISTRY_DISABLE", "yes", TRUE);
	g_setenv("GST_PLUGIN_SYSTEM_PATH_1_0", "", TRUE);
	g_setenv("GST_PLUGIN_PATH_1_0", "", TRUE);
	gst_init(nullptr, nullptr);
	const std::string dir = systemPluginDir();
	for (const char *p : { "libgstcoreelements.so", "libgstvideotestsrc.so", "libgstdebugutilsbad.so" })
		if (!loadPlugin(dir + "/" + p))
			return 2;
	if (!loadPlugin(config.plugin))
		return 2;

	struct Size {
		int width, height;
		unsigned frames;
	};
	const std::vector<Size> sizes = config.smoke ? std::vector<Size>{ { 1920, 1080, 30 }, { 320, 240, 30 } }
						     : std::vector<Size>{ { 1920, 1080, 310 }, { 320, 240, 3010 } };
	if (config.frames <= kWarmFrames && config.frames != 0) {
		fprintf(stderr, "gst_bench: --frames must be more than %u\n", kWarmFrames);
		return 2;
	}
	std::vector<std::pair<const char *, Mode>> modes = { { "identity", Mode::Identity },
							     { "heapsolvealloc-memfd", Mode::Memfd } };
	if (access("/dev/dma_heap/system", R_OK | W_OK) == 0)
		modes.push_back({ "heapsolvealloc-dmaheap", Mode::DmaHeap });
	for (const Size &s : sizes)
		for (const auto &[name, mode] : modes) {
			const std::string id =
				std::string(name) + "/" + std::to_string(s.width) + "x" + std::to_string(s.height);
			auto *b = benchmark::RegisterBenchmark(id.c_str(), pipelineBench, mode, s.width, s.height,
							       config.frames ? config.frames : s.frames);
			b->UseManualTime()->Unit(benchmark::kMicrosecond);
			if (config.smoke || config.frames)
				b->Iterations(1);
		}

	benchmark::Initialize(&restc, rest.data());
	if (benchmark::ReportUnrecognizedArguments(restc, rest.data()))
		return 2;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return anyError ? 1 : 0;
}
