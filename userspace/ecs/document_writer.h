// AuditEvent -> the JSON document Auditd Manager stores. Auditbeat builds a map and the
// integration's ingest pipeline (ingest_pipeline/default.yml) then reshapes it; we write the
// final shape in one pass:
//  - ecs.version 8.11.0; event.sequence (was auditd.sequence); event.id (was auditd.data.id);
//  - user.audit/old_auid/new_auid/selinux/saved/filesystem under auditd.user, file.selinux
//    under auditd.file; source/destination .path -> .address; '-' -> '_' in every key;
//  - the pipeline's numeric auditd.data fields and ports as JSON numbers;
//  - event.original joined with "\n"; auditd.messages only with preserve_original_event;
//  - warnings as auditd.warnings plus error.message joined with "\n";
//  - no null, empty-string, empty-object or empty-array values.
#pragma once

#include <string>
#include <vector>

#include "ecs/audit_event.h"
#include "ecs/json_out.h"
#include "enrich/session_enricher.h"
#include "ecs/ecs_formatter.h"
#include "reassembly/event.h"

namespace ecs {

class DocumentWriter {
 public:
  explicit DocumentWriter(const Options& options) : options_(options) {}
  // Writes one JSON object and a newline for event at offset at of out (JsonBuffer: out's
  // bytes from there on are room) and returns the offset past the newline.
  // session: Session View fields from the process tree (null or a miss: none written).
  size_t write_at(const AuditEvent& event, const reassembly::Event& raw, std::string& out, size_t at,
                  const enrich::SessionResult* session = nullptr);

 private:
  const Options& options_;
  std::vector<std::string> related_;
  std::string key_;
  std::string line_;
  std::string joined_;
};

}  // namespace ecs
