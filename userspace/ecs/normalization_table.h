// Per syscall / per record type normalization facts (action verb, object type, which fields
// name the actor and object, ECS category/type, ECS user mappings). The data is go-libaudit's
// public aucoalesce/normalizations.yaml, resolved once by gen_normalizations.py, so our
// event.action and categorization are the ones Auditbeat and Auditd Manager emit.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ecs {

using Names = std::span<const std::string_view>;

// One `ecs.mappings` entry: copy a summary value or a field into an ECS user/group entity.
struct Mapping {
  enum From : uint8_t { kSubjectPrimary, kSubjectSecondary, kObjectPrimary, kObjectSecondary, kData, kUid };
  enum To : uint8_t { kUser, kUserEffective, kUserTarget, kUserChanges, kGroup };
  From from;
  std::string_view key;  // field name for kData / kUid
  To to;
};

struct Normalization {
  std::string_view action;
  std::string_view object_what;
  int path_index;              // which PATH record is the object (rename: 2nd, link: 3rd ...)
  Names subject_primary;       // first field found wins
  Names subject_secondary;
  Names object_primary;
  Names object_secondary;
  Names how;
  Names source_ip;
  Names has_fields;            // selects among several entries for one record type
  std::string_view kind;       // ECS event.kind override ("alert"); empty = "event"
  Names category;
  Names type;
  std::span<const Mapping> mappings;
  Names record_types;
  Names syscalls;
};

std::span<const Normalization> normalization_table();

// Lookups over the table (built once, immutable afterwards).
// The entry for a syscall name; the '*' catch-all when the name has none; never null.
const Normalization* syscall_normalization(std::string_view syscall);
// Entries for a record type name (upper case, as in the YAML); empty when none.
std::span<const Normalization* const> record_type_normalizations(std::string_view type);

}  // namespace ecs
