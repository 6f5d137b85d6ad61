# SPDX-License-Identifier: Apache-2.0
"""fuzz_target(): one libFuzzer target, its replay test, and what tests/fuzz/run.sh needs to fuzz it."""

def fuzz_target(name, deps, corpus = ["corpus", "crashes"], dict = "yaml.dict"):
    """Declares the fuzz target `name` (source `name.cpp`, defining LLVMFuzzerTestOneInput).

    With `--config=fuzz` (clang-19's -fsanitize=fuzzer, see .bazelrc) `name` is a libFuzzer binary;
    in every other build it is a replay driver (replay_main.cpp), and `name_replay_test` runs it on
    every file of the `corpus` directories. tests/fuzz/run.sh finds the target by its tags and fuzzes
    it from `corpus` with the libFuzzer dictionary `dict`.

    Args:
      name: the target, and its source file without `.cpp`.
      deps: what the source needs (the engine is added).
      corpus: directories of tests/fuzz holding the seed inputs and saved crash inputs; the first one
        must not be empty.
      dict: a libFuzzer dictionary in tests/fuzz, or "" for none.
    """
    native.cc_binary(
        name = name,
        testonly = True,
        srcs = [name + ".cpp"],
        deps = deps + [":engine"],
        tags = [
            "fuzz_target",
            "fuzz_corpus=" + ",".join(corpus),
            "fuzz_dict=" + dict,
        ],
    )
    native.sh_test(
        name = name + "_replay_test",
        srcs = ["replay_test.sh"],
        args = ["$(location :%s)" % name] + ["tests/fuzz/" + d for d in corpus],
        data = [":" + name] + native.glob([d + "/*" for d in corpus]),
    )
