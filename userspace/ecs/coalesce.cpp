#include "ecs/coalesce.h"

#include <libaudit.h>

#include "record/types.h"

namespace ecs {
namespace {

bool ends_with_id(std::string_view k) { return k.ends_with("uid") || k.ends_with("gid"); }

// pid, ppid, proctitle, comm, exe and cwd leave data for process.*, in that order, each
// as erase() would take it (the last entry fills its place: the order the writer shows).
// One scan finds all six instead of six lookups and six more in erase().
void move_to_process(FieldMap& data, ProcessInfo& p) {
  enum { kPid, kPpid, kTitle, kComm, kExe, kCwd, kCount };
  std::string_view* const dst[kCount] = {&p.pid, &p.ppid, &p.title, &p.name, &p.exe, &p.cwd};
  size_t at[kCount];
  for (size_t& a : at) a = SIZE_MAX;
  size_t i = 0;
  for (const FieldMap::Entry& e : data) {
    const std::string_view k = e.key;
    int which = -1;
    switch (k.size()) {
      case 3:
        if (k == "pid") which = kPid;
        else if (k == "exe") which = kExe;
        else if (k == "cwd") which = kCwd;
        break;
      case 4:
        if (k == "ppid") which = kPpid;
        else if (k == "comm") which = kComm;
        break;
      case 9:
        if (k == "proctitle") which = kTitle;
        break;
      default:
        break;
    }
    if (which >= 0 && at[which] == SIZE_MAX) at[which] = i;  // the first, as find() gives
    ++i;
  }
  for (int w = 0; w < kCount; ++w) {
    const size_t idx = at[w];
    if (idx == SIZE_MAX) continue;
    *dst[w] = (data.begin() + idx)->value;  // erase_at keeps the value's buffer alive
    const size_t last = data.size() - 1;
    data.erase_at(idx);
    for (size_t& a : at)  // the entry that was last now sits at idx
      if (a == last) a = idx;
  }
}

}  // namespace

void Coalescer::build(const reassembly::Event& event, AuditEvent& out, CoalesceCounters& counters) {
  out.clear();
  out.sec = event.sec;
  out.msec = event.msec;
  out.sequence = event.serial;

  const size_t n = event.records.size();
  if (records_.size() < n) {
    records_.resize(n);
    type_names_.resize(n);
    unknown_names_.resize(n);
  }
  live_.clear();
  for (size_t i = 0; i < n; ++i) {
    const uint16_t type = event.records[i].type;
    if (type == AUDIT_EOE) continue;  // a sentinel: no data
    live_.push_back(i);
    interpreter_.interpret(type, event.record_body(i), records_[i]);
    std::string_view name = record::type_name(type, scratch_);
    if (name.data() == scratch_.data()) {  // UNKNOWN[N], made in scratch_: keep a copy
      unknown_names_[i].assign(name);
      name = unknown_names_[i];
    }
    type_names_[i] = name;
  }
  if (live_.empty()) {
    // Only EOE (a late EOE emitted alone): keep the document, say why it is empty.
    out.type = n ? event.records[0].type : 0;
    out.type_name = "EOE";
    if (n) out.type_name.assign(record::type_name(out.type, scratch_));
    out.result = "unknown";
    out.warnings.emplace_back("event has no records with data");
    return;
  }

  for (size_t i : live_) {
    if (type_names_[i].starts_with("UNKNOWN[")) {
      ++counters.unknown_record_types;
      out.warnings.push_back("unknown record type " + std::string(type_names_[i]) + ": fields kept in auditd.data");
    }
    if (!records_[i].warning.empty()) out.warnings.push_back(records_[i].warning);
  }

  if (live_.size() == 1 && event.records[live_[0]].type == AUDIT_PATH) {
    // A PATH record alone (its SYSCALL lost or filtered): aucoalesce would spread its
    // fields over data and user ids (ouid -> user.ouid); it is a path, so keep it as one.
    out.type = AUDIT_PATH;
    out.type_name.assign(type_names_[live_[0]]);
    out.result = "unknown";
    swap(out.add_path(), records_[live_[0]].fields);
  } else if (live_.size() == 1) {
    new_event(event, live_[0], live_[0], out);
  } else {
    size_t main = live_[0];
    size_t syscall = SIZE_MAX;
    for (size_t i : live_) {
      if (event.records[i].type == AUDIT_SYSCALL) {
        syscall = i;
        break;
      }
    }
    const bool fallback = syscall == SIZE_MAX;
    if (fallback) {
      ++counters.missing_syscall;
      out.warnings.emplace_back("missing syscall message in compound event");
    }
    new_event(event, main, fallback ? main : syscall, out);
    execve_.begin();
    for (size_t i : live_) {
      RecordData& rec = records_[i];
      switch (event.records[i].type) {
        case AUDIT_SYSCALL:
          // A second SYSCALL record adds nothing, as in aucoalesce.
          out.data.erase("items");
          break;
        case AUDIT_PATH:
          // The record's fields are not needed again this event: hand the map over.
          swap(out.add_path(), records_[i].fields);
          break;
        case AUDIT_SOCKADDR:
          add_sockaddr(rec, out);
          break;
        case AUDIT_EXECVE:
          execve_.add(rec.fields);
          break;
        default:
          if (fallback && i == main) break;  // already the event's own fields
          add_fields_to_data(rec, type_names_[i], out);
          break;
      }
    }
    execve_.finish(out.process, out.data, out.warnings);
  }

  apply_normalization(out, counters);

  move_to_process(out.data, out.process);
}

void Coalescer::new_event(const reassembly::Event& event, size_t main, size_t fields_from, AuditEvent& out) {
  out.type = event.records[main].type;
  out.type_name.assign(type_names_[main]);
  RecordData& rec = records_[fields_from];
  out.result = "unknown";
  // The event's maps take views of the record's values (the record keeps them until the
  // next event); a record's keys are unique, so no target map needs a lookup first.
  for (const FieldMap::Entry& e : rec.fields) {
    const std::string_view k = e.key;  // compares on views: no call per compare
    // Most keys go to data: their last and first bytes rule out the others cheaply
    // (result: 't'; ses: 's'; *uid, *gid: 'd'; subj_*: first 's').
    const char last = k.empty() ? '\0' : k.back();
    if (last == 't' && k == "result") {
      out.result.assign(e.value);
    } else if (last == 's' && k == "ses") {
      out.session.assign(e.value);
    } else if (last == 'd' && ends_with_id(k)) {
      if (k == "auid") out.actor_primary.assign(e.value);
      if (k == "uid") out.actor_secondary.assign(e.value);
      out.user_ids.append_entry_like(e).value = e.value;
    } else if (!k.empty() && k.front() == 's' && k.starts_with("subj_")) {
      out.user_selinux.append_entry_stable(k.substr(5)).value = e.value;
    } else {
      FieldMap::Entry& d = out.data.append_entry_like(e);
      d.value = e.value;
      d.quoted = e.quoted;
      d.plain = e.plain;
    }
  }
  if (rec.has_tags) out.tags = rec.tags;
  for (const FieldMap::Entry& n : rec.id_names) out.log_names.set_view_stable(n.key, n.value);
}

void Coalescer::add_sockaddr(const RecordData& rec, AuditEvent& out) {
  // A copy of the view, not a pointer into data: the loop below appends to data, and a
  // vector that grows moves its entries (found by fuzz_ecs).
  const std::string_view* found = out.data.find("syscall");
  const std::string_view call = found ? *found : std::string_view();
  if (!found) {
    out.warnings.emplace_back("failed to add SOCKADDR data because syscall is unknown");
    return;
  }
  for (const FieldMap::Entry& e : rec.fields) {
    scratch_.assign("socket_");
    scratch_.append(e.key);
    out.data.set_view(scratch_, e.value);
  }
  Address* addr = nullptr;
  std::string_view s = call;
  if (s == "recvfrom" || s == "recvmsg" || s == "accept" || s == "accept4") {
    addr = &out.source;
    out.direction = Direction::kIngress;
  } else if (s == "connect" || s == "sendto" || s == "sendmsg") {
    addr = &out.destination;
    out.direction = Direction::kEgress;
  } else {
    return;  // bind, listen, getpeername, getsockname: neither source nor destination
  }
  std::string_view ip = rec.fields.get("addr"), port = rec.fields.get("port"), path = rec.fields.get("path");
  if (ip.empty() && port.empty() && path.empty()) return;
  addr->present = true;
  addr->ip.assign(ip);
  addr->port.assign(port);
  addr->path.assign(path);
}

void Coalescer::add_fields_to_data(RecordData& rec, std::string_view type_name, AuditEvent& out) {
  for (FieldMap::Entry& e : rec.fields) {
    if (out.data.contains_like(e)) {
      out.warnings.push_back("duplicate key (" + std::string(e.key) + ") from " + std::string(type_name) + " message");
      continue;
    }
    FieldMap::Entry& d = out.data.append_entry_like(e);
    d.value = e.value;
    d.plain = e.plain;
  }
}

}  // namespace ecs
