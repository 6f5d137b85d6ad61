// SPDX-License-Identifier: Apache-2.0
// gst-inspect-1.0 (the real tool, not the registry API) finds heapsolvealloc through
// GST_PLUGIN_PATH and shows what gst-inspect conventions ask for: long name, classification,
// description, license and a blurb for every property.
#include <string>

#include <glib.h>
#include <gtest/gtest.h>

namespace {

std::string inspect(const char *what, int *status)
{
	gchar *out = nullptr;
	gchar *err = nullptr;
	const gchar *argv[] = { "gst-inspect-1.0", what, nullptr };
	GError *error = nullptr;
	if (!g_spawn_sync(nullptr, const_cast<gchar **>(argv), nullptr, G_SPAWN_SEARCH_PATH, nullptr, nullptr,
			  &out, &err, status, &error)) {
		std::string message = error->message;
		g_error_free(error);
		return "spawn failed: " + message;
	}
	std::string text = std::string(out ? out : "") + (err ? err : "");
	g_free(out);
	g_free(err);
	return text;
}

TEST(GstInspect, DocumentsTheElement)
{
	int status = -1;
	std::string out = inspect("heapsolvealloc", &status);
	ASSERT_TRUE(g_spawn_check_wait_status(status, nullptr)) << out;
	for (const char *want : {
		     "Long-name                Heapsolve buffer allocator",
		     "Klass                    Filter/Video",
		     "Description              Passes video through unchanged and offers upstream a pool",
		     "License                  LGPL",
		     "system-files        : Schema-1 YAML files",
		     "producer            : The device",
		     "consumers           : The devices",
		     "buffer-count        : Buffers the pool holds at most",
		     "heap                : The heap the solver chose",
		     "size                : Bytes of one buffer",
		     "strides             : Bytes per line of each plane",
		     "offsets             : Byte offset of each plane",
		     "changeable only in NULL or READY state",
	     })
		EXPECT_NE(out.find(want), std::string::npos) << "missing: " << want << "\n"
							     << out;
}

TEST(GstInspect, PluginListsTheElement)
{
	int status = -1;
	std::string out = inspect("heapsolve", &status);
	ASSERT_TRUE(g_spawn_check_wait_status(status, nullptr)) << out;
	EXPECT_NE(out.find("heapsolvealloc: Heapsolve buffer allocator"), std::string::npos) << out;
}

} // namespace

// Under --config=asan the plugin needs the ASan runtime, which the uninstrumented gst-inspect-1.0
// does not load first. The child gets this process's libasan through LD_PRELOAD, and no leak
// check: GLib's and GStreamer's own lifetime allocations are not ours to judge here.
void letUninstrumentedChildrenLoadTheAsanPlugin()
{
#ifdef __SANITIZE_ADDRESS__
	gchar *maps = nullptr;
	if (!g_file_get_contents("/proc/self/maps", &maps, nullptr, nullptr))
		return;
	std::string text(maps);
	g_free(maps);
	const size_t at = text.find("/libasan.so");
	if (at == std::string::npos)
		return;
	const size_t start = text.rfind(' ', at) + 1;
	const size_t end = text.find('\n', at);
	g_setenv("LD_PRELOAD", text.substr(start, end - start).c_str(), TRUE);
	g_setenv("ASAN_OPTIONS", "detect_leaks=0", TRUE);
#endif
}

int main(int argc, char **argv)
{
	letUninstrumentedChildrenLoadTheAsanPlugin();
	gchar *dir = g_canonicalize_filename("gst", nullptr);
	g_setenv("GST_PLUGIN_PATH", dir, TRUE);
	g_free(dir);
	const char *tmp = g_getenv("TEST_TMPDIR");
	std::string registry = std::string(tmp ? tmp : g_get_tmp_dir()) + "/inspect-registry.bin";
	g_setenv("GST_REGISTRY", registry.c_str(), TRUE);
	testing::InitGoogleTest(&argc, argv);
	return RUN_ALL_TESTS();
}
