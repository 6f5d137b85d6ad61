// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/system_snapshot.h"

#include <atomic>
#include <utility>

namespace heapsolve {

namespace {

// Relaxed is enough: only uniqueness matters, and fetch_add gives each caller its own value.
// At one snapshot per nanosecond, 64 bits last for centuries, so ids never wrap.
std::atomic<uint64_t> nextId{ 1 };

} // namespace

SystemSnapshot::SystemSnapshot(System &&system)
	: system_(std::make_shared<const System>(std::move(system))),
	  id_(nextId.fetch_add(1, std::memory_order_relaxed))
{
}

} // namespace heapsolve
