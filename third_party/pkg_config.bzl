# SPDX-License-Identifier: Apache-2.0
"""A repository rule that wraps a system library found by pkg-config.

Bazel rejects a plain -I/usr/... copt as outside the execroot, so the include directories that
pkg-config names are symlinked into the external repository and exported as `includes`.
"""

def _split(text):
    return [t for t in text.strip().split(" ") if t]

def _pkg_config_repository_impl(ctx):
    modules = ctx.attr.modules
    cflags = ctx.execute(["pkg-config", "--cflags-only-I"] + modules)
    if cflags.return_code != 0:
        fail("pkg-config could not find %s: %s (install the -dev packages named in README.md)" %
             (" ".join(modules), cflags.stderr))
    libs = ctx.execute(["pkg-config", "--libs"] + modules)
    if libs.return_code != 0:
        fail("pkg-config --libs %s failed: %s" % (" ".join(modules), libs.stderr))
    includes = []
    for i, flag in enumerate(_split(cflags.stdout)):
        path = flag[2:]
        link = "include_%d" % i
        ctx.symlink(path, link)
        includes.append(link)
    ctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % ctx.name)
    ctx.file("BUILD", """
cc_library(
    name = "{name}",
    hdrs = glob([{globs}], allow_empty = True),
    includes = {includes},
    linkopts = {linkopts},
    visibility = ["//visibility:public"],
)
""".format(
        name = ctx.name,
        globs = ", ".join(["\"%s/**/*.h\"" % i for i in includes]),
        includes = repr(includes),
        linkopts = repr(_split(libs.stdout)),
    ))

pkg_config_repository = repository_rule(
    implementation = _pkg_config_repository_impl,
    attrs = {"modules": attr.string_list(mandatory = True)},
    local = True,
)
