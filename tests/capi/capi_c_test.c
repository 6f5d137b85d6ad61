/* SPDX-License-Identifier: Apache-2.0 */
/* The header is valid C (compiled with -Wall -Wextra -Werror) and the API is usable from C. */
#include <stdio.h>
#include <string.h>

#include "heapsolve/heapsolve.h"

int main(void)
{
	const char *path = "tests/capi/data/system.yaml";
	heapsolve_system *system = NULL;
	heapsolve_error *error = NULL;
	heapsolve_plan *plan = NULL;

	if (heapsolve_system_load(&path, 1, &system, &error) != HEAPSOLVE_OK) {
		fprintf(stderr, "load: %s\n", heapsolve_error_message(error));
		return 1;
	}
	if (heapsolve_solve_buffer(system, "decoded", &plan, &error) != HEAPSOLVE_OK ||
	    strcmp(heapsolve_plan_heap(plan), "cma") != 0 || heapsolve_plan_stride(plan, 1) != 2048) {
		fprintf(stderr, "decoded: unexpected plan\n");
		return 1;
	}
	heapsolve_plan_free(plan);
	if (heapsolve_solve_buffer(system, "impossible", &plan, &error) != HEAPSOLVE_ERROR_UNSATISFIABLE ||
	    heapsolve_plan_conflict_count(plan) == 0) {
		fprintf(stderr, "impossible: expected a conflict\n");
		return 1;
	}
	heapsolve_error_free(error);
	heapsolve_plan_free(plan);
	heapsolve_system_free(system);
	return 0;
}
