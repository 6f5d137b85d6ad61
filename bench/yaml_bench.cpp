// SPDX-License-Identifier: Apache-2.0
// What reading YAML costs, apart from the rest of loading: the loader's parse (yaml-cpp's parser
// into yaml::Document) against libyaml's parser emitting the same events into nothing, on the
// generated 10,000-buffer pipeline file. Loading is bound by the parser (docs/performance.md);
// this measures how much another parser would change that. Only the first is heapsolve's code.
#include <benchmark/benchmark.h>
#include <yaml.h>

#include <cstdlib>
#include <iostream>

#include "bench/generator.h"
#include "constraints/yaml/document.h"

namespace {

const std::string &pipelineText()
{
	static const std::string text = heapsolve::bench::generateSystem(10000, 1).back().text;
	return text;
}

void BM_ParseYamlCppDocument(benchmark::State &state)
{
	const std::string &text = pipelineText();
	for (auto _ : state) {
		auto doc = heapsolve::yaml::Document::parse(text);
		benchmark::DoNotOptimize(doc);
	}
	state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_ParseYamlCppDocument)->Unit(benchmark::kMillisecond);

void BM_ParseLibyamlEvents(benchmark::State &state)
{
	const std::string &text = pipelineText();
	size_t events = 0;
	for (auto _ : state) {
		yaml_parser_t parser;
		if (!yaml_parser_initialize(&parser))
			std::abort();
		yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char *>(text.data()), text.size());
		events = 0;
		for (bool done = false; !done;) {
			yaml_event_t event;
			if (!yaml_parser_parse(&parser, &event)) {
				std::cerr << "libyaml: " << (parser.problem ? parser.problem : "error") << "\n";
				std::abort();
			}
			done = event.type == YAML_STREAM_END_EVENT;
			++events;
			yaml_event_delete(&event);
		}
		yaml_parser_delete(&parser);
	}
	state.counters["bytes"] = static_cast<double>(text.size());
	state.counters["events"] = static_cast<double>(events);
}
BENCHMARK(BM_ParseLibyamlEvents)->Unit(benchmark::kMillisecond);

} // namespace
