// SPDX-License-Identifier: Apache-2.0
// An immutable, shared System with an identity: what a caller hands to PlanCache when it wants a
// repeated request answered without the cache reading the request's content again.
#pragma once

#include <cstdint>
#include <memory>

#include "heapsolve/system.h"

namespace heapsolve {

// Ownership: the snapshot owns its System through a std::shared_ptr<const System>; copies share
// it (one reference-count increment) and it lives until the last copy goes. It is made only by
// moving a System in, so nobody holds a mutable reference to what it contains: a change means a
// new snapshot.
//
// Identity: id() is unique in the process and never reused (a 64-bit counter, 1 first), so equal
// ids mean the very same content. Two snapshots of equal content have different ids. Copies keep
// the id; there is no empty snapshot (moving one copies it, so the source stays valid).
//
// Thread-safety: everything is const; several threads may read and copy one snapshot at once.
class SystemSnapshot
{
public:
	explicit SystemSnapshot(System &&system);
	SystemSnapshot(const SystemSnapshot &) = default;
	SystemSnapshot &operator=(const SystemSnapshot &) = default;

	const System &system() const { return *system_; }
	const System &operator*() const { return *system_; }
	const System *operator->() const { return system_.get(); }
	// The system's own policy (`policy:` in the files), immutable like the rest.
	const Policy &policy() const { return system_->policy; }
	uint64_t id() const { return id_; }

private:
	std::shared_ptr<const System> system_;
	uint64_t id_;
};

} // namespace heapsolve
