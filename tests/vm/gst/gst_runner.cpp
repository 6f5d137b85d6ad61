// SPDX-License-Identifier: Apache-2.0
// Runs one gst-launch-1.0 pipeline description and reports, as "@@GST ..." lines on stdout, what a
// test of it needs to assert and gst-launch-1.0 cannot say precisely:
//   @@GST PLAN element=NAME heap=H size=S strides=...   each heapsolvealloc's plan (when caps came)
//   @@GST SAMPLE frames=N fds=F rss_kb=R                 at each --sample-at N (sink's Nth buffer)
//   @@GST DMABUF inode=I exporter=E size=S count=C attached=A,B
//                                                        at --bufinfo-at N: every dma-buf the sink
//                                                        received so far, from bufinfo
//   @@GST ERROR frames=N from=PATH message=M debug=D     the first bus error (N: buffers at the sink)
//   @@GST EOS frames=N
//   @@GST FRAMES n=N rendered=R                          buffers that reached the sink's pad, and
//                                                        GstBaseSink's own "rendered" statistic
// The sink is the element named "sink" (name=sink in the description). Exit 0 on EOS, 1 on an
// error, 2 on bad usage. tests/vm/gst/guest.sh runs it in the guest; it is also usable on a host.
//
// usage: gst_runner [--bufinfo-at N] [--sample-at N]... [--timeout SECONDS] PIPELINE-DESCRIPTION
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <gst/allocators/gstdmabuf.h>
#include <gst/gst.h>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

struct Run {
	std::atomic<uint64_t> frames{ 0 };
	uint64_t bufinfoAt = 0;
	std::set<uint64_t> sampleAt;
	std::mutex lock;
	std::set<unsigned long> inodes; // of the dma-buf memories the sink received
	GMainLoop *loop = nullptr;
	bool error = false;
};

uint64_t openFds()
{
	uint64_t n = 0;
	if (DIR *d = ::opendir("/proc/self/fd")) {
		while (const dirent *e = ::readdir(d))
			if (e->d_name[0] != '.')
				++n;
		::closedir(d);
	}
	return n > 0 ? n - 1 : 0; // opendir's own fd
}

uint64_t rssKiB()
{
	std::ifstream in("/proc/self/status");
	std::string line;
	while (std::getline(in, line))
		if (line.rfind("VmRSS:", 0) == 0)
			return std::strtoull(line.c_str() + 6, nullptr, 10);
	return 0;
}

// /sys/kernel/debug/dma_buf/bufinfo, as dma_buf_debug_show() in drivers/dma-buf/dma-buf.c (6.12)
// prints it: "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s\n" (size, flags, mode, file count,
// exporter, inode, name), then "\tAttached Devices:\n" and "\t%s\n" per attached device.
void printBufInfo(const std::set<unsigned long> &inodes)
{
	std::ifstream in("/sys/kernel/debug/dma_buf/bufinfo");
	if (!in) {
		std::printf("@@GST DMABUF error=cannot-read-bufinfo\n");
		return;
	}
	std::string line, current;
	std::map<unsigned long, std::string> found;
	unsigned long inode = 0;
	bool attached = false;
	auto flush = [&] {
		if (inodes.count(inode))
			found[inode] = current;
	};
	while (std::getline(in, line)) {
		unsigned long size = 0, ino = 0;
		long count = 0;
		unsigned flags = 0, mode = 0;
		char exporter[128] = {};
		if (!line.empty() && line[0] != '\t' &&
		    std::sscanf(line.c_str(), "%lu %x %x %ld %127s %lu", &size, &flags, &mode, &count, exporter, &ino) == 6) {
			flush();
			inode = ino;
			attached = false;
			current = "inode=" + std::to_string(ino) + " exporter=" + exporter + " size=" + std::to_string(size) +
				  " count=" + std::to_string(count) + " attached=";
		} else if (line == "\tAttached Devices:") {
			attached = true;
		} else if (attached && line.size() > 1 && line[0] == '\t') {
			current += (current.back() == '=' ? "" : ",") + line.substr(1);
		} else {
			attached = false;
		}
	}
	flush();
	for (unsigned long i : inodes)
		std::printf("@@GST DMABUF %s\n", found.count(i) ? found[i].c_str() : ("inode=" + std::to_string(i) + " missing").c_str());
}

GstPadProbeReturn onBuffer(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	Run &run = *static_cast<Run *>(data);
	GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
	const uint64_t n = ++run.frames;
	if (run.bufinfoAt) {
		std::lock_guard<std::mutex> guard(run.lock);
		for (guint i = 0; i < gst_buffer_n_memory(buffer); ++i) {
			GstMemory *m = gst_buffer_peek_memory(buffer, i);
			struct stat st {
			};
			if (gst_is_dmabuf_memory(m) && ::fstat(gst_dmabuf_memory_get_fd(m), &st) == 0)
				run.inodes.insert(st.st_ino);
		}
		if (n == run.bufinfoAt)
			printBufInfo(run.inodes);
	}
	if (run.sampleAt.count(n))
		std::printf("@@GST SAMPLE frames=%llu fds=%llu rss_kb=%llu\n", (unsigned long long)n, (unsigned long long)openFds(),
			    (unsigned long long)rssKiB());
	return GST_PAD_PROBE_OK;
}

std::string oneLine(const char *text)
{
	std::string s = text ? text : "";
	for (char &c : s)
		if (c == '\n' || c == '\r')
			c = ' ';
	return s;
}

gboolean onMessage(GstBus *, GstMessage *message, gpointer data)
{
	Run &run = *static_cast<Run *>(data);
	switch (GST_MESSAGE_TYPE(message)) {
	case GST_MESSAGE_ERROR: {
		GError *error = nullptr;
		gchar *debug = nullptr;
		gst_message_parse_error(message, &error, &debug);
		gchar *path = gst_object_get_path_string(GST_MESSAGE_SRC(message));
		std::printf("@@GST ERROR frames=%llu from=%s message=%s debug=%s\n", (unsigned long long)run.frames.load(), path,
			    oneLine(error->message).c_str(), oneLine(debug).c_str());
		g_free(path);
		g_free(debug);
		g_error_free(error);
		run.error = true;
		g_main_loop_quit(run.loop);
		break;
	}
	case GST_MESSAGE_EOS:
		std::printf("@@GST EOS frames=%llu\n", (unsigned long long)run.frames.load());
		g_main_loop_quit(run.loop);
		break;
	default:
		break;
	}
	return TRUE;
}

gboolean onTimeout(gpointer data)
{
	Run &run = *static_cast<Run *>(data);
	std::printf("@@GST ERROR frames=%llu from=gst_runner message=timeout debug=\n", (unsigned long long)run.frames.load());
	run.error = true;
	g_main_loop_quit(run.loop);
	return FALSE;
}

void printPlans(GstElement *pipeline)
{
	GstIterator *it = gst_bin_iterate_recurse(GST_BIN(pipeline));
	GValue item = G_VALUE_INIT;
	while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
		GstElement *e = GST_ELEMENT(g_value_get_object(&item));
		GstElementFactory *f = gst_element_get_factory(e);
		if (f && std::strcmp(GST_OBJECT_NAME(f), "heapsolvealloc") == 0) {
			gchar *heap = nullptr;
			guint64 size = 0;
			g_object_get(e, "heap", &heap, "size", &size, nullptr);
			std::printf("@@GST PLAN element=%s heap=%s size=%llu\n", GST_OBJECT_NAME(e), heap ? heap : "(none)",
				    (unsigned long long)size);
			g_free(heap);
		}
		g_value_reset(&item);
	}
	g_value_unset(&item);
	gst_iterator_free(it);
}

} // namespace

int main(int argc, char **argv)
{
	std::setvbuf(stdout, nullptr, _IOLBF, 0);
	gst_init(&argc, &argv);
	Run run;
	unsigned timeout = 0;
	std::string description;
	for (int i = 1; i < argc; ++i) {
		const std::string a = argv[i];
		if ((a == "--bufinfo-at" || a == "--sample-at" || a == "--timeout") && i + 1 < argc) {
			const uint64_t v = std::strtoull(argv[++i], nullptr, 10);
			if (a == "--bufinfo-at")
				run.bufinfoAt = v;
			else if (a == "--sample-at")
				run.sampleAt.insert(v);
			else
				timeout = unsigned(v);
		} else if (description.empty() && a.rfind("--", 0) != 0) {
			description = a;
		} else {
			std::fprintf(stderr, "usage: gst_runner [--bufinfo-at N] [--sample-at N]... [--timeout S] PIPELINE\n");
			return 2;
		}
	}
	if (description.empty()) {
		std::fprintf(stderr, "usage: gst_runner [--bufinfo-at N] [--sample-at N]... [--timeout S] PIPELINE\n");
		return 2;
	}
	GError *error = nullptr;
	GstElement *pipeline = gst_parse_launch(description.c_str(), &error);
	if (!pipeline || error) {
		std::printf("@@GST ERROR frames=0 from=gst_parse_launch message=%s debug=\n",
			    oneLine(error ? error->message : "no pipeline").c_str());
		return 1;
	}
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
	if (!sink) {
		std::printf("@@GST ERROR frames=0 from=gst_runner message=no element named sink debug=\n");
		return 2;
	}
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, onBuffer, &run, nullptr);
	gst_object_unref(pad);

	run.loop = g_main_loop_new(nullptr, FALSE);
	GstBus *bus = gst_element_get_bus(pipeline);
	gst_bus_add_watch(bus, onMessage, &run);
	if (timeout)
		g_timeout_add_seconds(timeout, onTimeout, &run);
	if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
		// The error message, if any, is on the bus: drain it.
		while (GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
			onMessage(bus, m, &run);
			gst_message_unref(m);
		}
		if (!run.error)
			std::printf("@@GST ERROR frames=0 from=gst_runner message=state change to PLAYING failed debug=\n");
		run.error = true;
	} else {
		g_main_loop_run(run.loop);
	}
	printPlans(pipeline);
	guint64 rendered = 0;
	if (GstStructure *stats = nullptr; g_object_class_find_property(G_OBJECT_GET_CLASS(sink), "stats")) {
		g_object_get(sink, "stats", &stats, nullptr);
		if (stats)
			gst_structure_get_uint64(stats, "rendered", &rendered);
		if (stats)
			gst_structure_free(stats);
	}
	std::printf("@@GST FRAMES n=%llu rendered=%llu\n", (unsigned long long)run.frames.load(), (unsigned long long)rendered);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_bus_remove_watch(bus);
	gst_object_unref(bus);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
	g_main_loop_unref(run.loop);
	return run.error ? 1 : 0;
}
