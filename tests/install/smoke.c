/* SPDX-License-Identifier: Apache-2.0 */
/* Built by tests/install/run.sh with nothing but `cc $(pkg-config --cflags --libs heapsolve)`
 * against an installed prefix. Usage: smoke SYSTEM.yaml EXPECTED_VERSION */
#include <heapsolve/heapsolve.h>
#include <heapsolve/version.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	heapsolve_system *system = NULL;
	heapsolve_plan *plan = NULL;
	heapsolve_error *error = NULL;
	const char *path;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SYSTEM.yaml VERSION\n", argv[0]);
		return 2;
	}
	if (strcmp(heapsolve_version(), argv[2]) != 0) {
		fprintf(stderr, "library says version %s, heapsolve.pc says %s\n", heapsolve_version(), argv[2]);
		return 1;
	}
	if (strcmp(heapsolve_version(), HEAPSOLVE_VERSION_STRING) != 0) {
		fprintf(stderr, "library says version %s, heapsolve/version.h says %s\n", heapsolve_version(),
			HEAPSOLVE_VERSION_STRING);
		return 1;
	}
	path = argv[1];
	if (heapsolve_system_load(&path, 1, &system, &error) != HEAPSOLVE_OK) {
		fprintf(stderr, "%s\n", heapsolve_error_message(error));
		return 1;
	}
	if (heapsolve_solve_buffer(system, "decoded", &plan, &error) != HEAPSOLVE_OK) {
		fprintf(stderr, "%s\n", heapsolve_error_message(error));
		return 1;
	}
	printf("decoded: heap %s size %" PRIu64 " strides %" PRIu64 ",%" PRIu64 " offsets %" PRIu64 ",%" PRIu64 "\n",
	       heapsolve_plan_heap(plan), heapsolve_plan_size(plan), heapsolve_plan_stride(plan, 0),
	       heapsolve_plan_stride(plan, 1), heapsolve_plan_offset(plan, 0), heapsolve_plan_offset(plan, 1));
	heapsolve_plan_free(plan);

	if (heapsolve_solve_buffer(system, "impossible", &plan, &error) != HEAPSOLVE_ERROR_UNSATISFIABLE) {
		fprintf(stderr, "impossible: expected unsatisfiable\n");
		return 1;
	}
	printf("impossible: %s\n", heapsolve_status_name(heapsolve_error_code(error)));
	printf("%s\n", heapsolve_plan_explain(plan));
	heapsolve_error_free(error);
	heapsolve_plan_free(plan);
	heapsolve_system_free(system);
	return 0;
}
