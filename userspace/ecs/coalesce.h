// Records of one reassembled event -> AuditEvent, following aucoalesce's rules so the
// documents mean what Auditbeat's mean:
//  - one record: its fields are the event; several: the first record names the event type
//    unless it is the SYSCALL, and the SYSCALL record gives result, session, actor and ids;
//  - PATH records become paths[], SOCKADDR the socket_* data and source/destination, EXECVE
//    the args, any other record's fields join data (a clash is a warning, first value kept);
//  - then the normalization table gives action, object, how and ECS categorization.
// Differences from aucoalesce, on purpose: a compound event without SYSCALL is still
// normalized (aucoalesce returns an error and Auditbeat emits only the raw lines), a PATH
// record alone stays a path (auditd.paths) instead of spreading over data and user ids, and
// EXECVE arguments are rebuilt whole (see execve_args.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ecs/audit_event.h"
#include "ecs/execve_args.h"
#include "ecs/record_interpreter.h"
#include "reassembly/event.h"

namespace ecs {

struct CoalesceCounters {
  uint64_t unknown_record_types = 0;  // records whose type has no name (UNKNOWN[N])
  uint64_t missing_syscall = 0;       // compound events without a SYSCALL record
  uint64_t no_normalization = 0;      // events no table entry describes
};

class Coalescer {
 public:
  void build(const reassembly::Event& event, AuditEvent& out, CoalesceCounters& counters);

 private:
  void new_event(const reassembly::Event& event, size_t main, size_t fields_from, AuditEvent& out);
  void add_sockaddr(const RecordData& rec, AuditEvent& out);
  void add_fields_to_data(RecordData& rec, std::string_view type_name, AuditEvent& out);

  RecordInterpreter interpreter_;
  std::vector<RecordData> records_;           // by record index
  std::vector<std::string_view> type_names_;  // static names, or into unknown_names_
  std::vector<std::string> unknown_names_;    // "UNKNOWN[N]" by record index
  std::vector<size_t> live_;  // indexes of non-EOE records
  ExecveArgs execve_;
  std::string scratch_;
};

// aucoalesce's normalization step (exposed for tests): action, object, actor, how,
// source_ip, ECS categorization and user mappings from the table.
void apply_normalization(AuditEvent& event, CoalesceCounters& counters);

}  // namespace ecs
