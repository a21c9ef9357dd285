// resolve_ids: uid/gid -> names on the AuditEvent, as aucoalesce.ResolveIDs does: actor
// primary/secondary become user names when known, every *uid/*gid gets a name, the file
// owner/group, and the ECS user/group entities get the half (id or name) they lack.
#pragma once

#include <cstdint>
#include <string_view>

#include "ecs/audit_event.h"
#include "enrich/id_resolver.h"

namespace ecs {

// The resolver's id -> name answers, remembered by one formatter: an event asks for the
// same few ids many times (uid, euid, suid, fsuid, ouid are mostly equal), and each lookup
// in the resolver hashes a string into an unordered_map. The names are views into the
// resolver's tables, so the whole cache is dropped whenever the resolver reloads a table
// (its reloads() count moves): a changed passwd/group file is seen as before.
class IdNameCache {
 public:
  std::string_view user_name(const enrich::IdResolver& ids, std::string_view id) { return lookup(ids, id, 0); }
  std::string_view group_name(const enrich::IdResolver& ids, std::string_view id) { return lookup(ids, id, 1); }

 private:
  struct Slot {
    uint64_t key = 0;  // the id's bytes and length; 0: empty
    std::string_view name;
  };
  static constexpr size_t kSlots = 64;
  std::string_view lookup(const enrich::IdResolver& ids, std::string_view id, int group);

  Slot slots_[2][kSlots];
  uint64_t reloads_seen_ = 0;
};

void resolve_ids(AuditEvent& event, const enrich::IdResolver& ids, IdNameCache& cache);

}  // namespace ecs
