// SPDX-License-Identifier: Apache-2.0
// Permission to open a DRM primary node (/dev/dri/cardN).
//
// Opening a primary node is not harmless: the first opener becomes DRM master when no compositor
// holds it, and a compositor started meanwhile then cannot set a mode. So only the drm-dumb
// backend and the KMS part of the probe open one, and both need this token in their constructor.
// The one way to get it is from a Policy that does not forbid drm-dumb; code that was not handed
// the token cannot reach a primary node at all, which the type system checks instead of review.
#pragma once

#include <optional>

#include "heapsolve/plan.h"
#include "heapsolve/system.h"

namespace heapsolve {

class PrimaryNodeAccess
{
public:
	// The token when `policy` allows the drm-dumb backend, else std::nullopt.
	static std::optional<PrimaryNodeAccess> fromPolicy(const Policy &policy)
	{
		if (policy.forbids(Backend::DrmDumb))
			return std::nullopt;
		return PrimaryNodeAccess();
	}

	// The token when `plan` may be allocated from a drm-dumb heap: the solver lists such a heap
	// among the eligible ones only when the policy allows the backend.
	static std::optional<PrimaryNodeAccess> forPlan(const Plan &plan)
	{
		if (plan.heap.backend == Backend::DrmDumb)
			return PrimaryNodeAccess();
		for (const HeapChoice &h : plan.others)
			if (h.backend == Backend::DrmDumb)
				return PrimaryNodeAccess();
		return std::nullopt;
	}

private:
	PrimaryNodeAccess() = default;
};

} // namespace heapsolve
