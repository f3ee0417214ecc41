#pragma once

#include "actors/protocol.hpp"
#include "http/api/snapshot_store.hpp"

#include <memory>

namespace onevalue {

/// The gateway actor: turns the store's value pushes and membership's member tables
/// into snapshots that HTTP threads read without an actor round trip.
///
/// Spawned by main (`sys.spawn(gateway, snapshots)`) and subscribed to the store and
/// to membership; main must keep its handle (an unreferenced actor dies). It is the
/// only actor touching `snapshots`; the store backend also publishes its own writes.
gateway_actor::behavior_type gateway(gateway_actor::pointer self,
                                     std::shared_ptr<snapshot_store> snapshots);

} // namespace onevalue
