#include "proctree/abi_decode.h"

#include <cstring>
#include <string_view>

#include "auspex_abi.h"

// The same sizes the BPF side asserts: a mismatch between the two builds fails here.
static_assert(sizeof(auspex_hdr) == 24);
static_assert(sizeof(auspex_task) == 72);
static_assert(sizeof(auspex_fork) == 112);
static_assert(sizeof(auspex_exec) == 136 + AUSPEX_EXEC_TAIL_MAX);
static_assert(sizeof(auspex_exit) == 104);
static_assert(sizeof(auspex_setsid) == 96);
static_assert(sizeof(auspex_setpgid) == 104);

namespace proctree {
namespace {

template <typename T>
bool read_struct(const void* data, size_t size, T& out) {
  if (size < sizeof(T)) return false;
  std::memcpy(&out, data, sizeof(T));  // samples are 8-aligned, but do not rely on it
  return true;
}

void to_snapshot(const auspex_task& t, uint64_t ns_per_tick, TaskSnapshot& s) {
  s.pid = t.pid;
  s.tid = t.tid;
  s.ppid = t.ppid;
  s.pgid = t.pgid;
  s.sid = t.sid;
  s.start_ticks = t.start_boottime / ns_per_tick;
  s.uid = t.uid;
  s.euid = t.euid;
  s.gid = t.gid;
  s.egid = t.egid;
  s.tty_major = t.tty_major;
  s.tty_minor = t.tty_minor;
  s.flags = t.flags;
  s.ids_known = true;
  s.comm = std::string_view(t.comm, strnlen(t.comm, sizeof(t.comm)));
}

// The task's comm lives in the caller's copy; point the view into the sample instead so it
// outlives the local struct.
std::string_view comm_in_sample(const void* data, size_t task_offset) {
  const char* c = static_cast<const char*>(data) + task_offset + offsetof(auspex_task, comm);
  return std::string_view(c, strnlen(c, sizeof(auspex_task::comm)));
}

bool str_in(const auspex_str& s, const void* data, size_t size, std::string_view& out) {
  // 64-bit arithmetic: off + len cannot wrap.
  if (uint64_t(s.off) + uint64_t(s.len) > size) return false;
  out = std::string_view(static_cast<const char*>(data) + s.off, s.len);
  return true;
}

// Components leaf first ("b\0a\0" for /a/b) -> "/a/b"; "" when the walk did not finish.
void join_components(std::string_view raw, bool complete, std::string& out) {
  out.clear();
  if (!complete) return;
  size_t end = raw.size();
  while (end > 0 && raw[end - 1] == '\0') --end;
  // Walk from the root end (the last component) back to the leaf.
  while (end > 0) {
    size_t start = raw.rfind('\0', end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    if (end > start) {
      out.push_back('/');
      out.append(raw.substr(start, end - start));
    }
    end = start == 0 ? 0 : start - 1;
  }
  if (out.empty()) out = "/";
}

}  // namespace

DecodeError AbiDecoder::decode(const void* data, size_t size, TreeEvent& out) {
  auspex_hdr h;
  if (!read_struct(data, size, h)) return DecodeError::kTooShort;
  out = TreeEvent{};
  out.ts_boot_ns = h.ts_boot;
  switch (h.kind) {
    case AUSPEX_EV_FORK: {
      auspex_fork f;
      if (!read_struct(data, size, f)) return DecodeError::kTooShort;
      out.kind = EventKind::kFork;
      to_snapshot(f.child, ns_per_tick_, out.task);
      out.task.comm = comm_in_sample(data, offsetof(auspex_fork, child));
      out.parent_pid = f.parent_pid;
      out.parent_start_ticks = f.parent_start_boottime / ns_per_tick_;
      return DecodeError::kNone;
    }
    case AUSPEX_EV_EXEC: {
      // The tail is variable: only the fixed part must be present.
      constexpr size_t kFixed = offsetof(auspex_exec, tail);
      if (size < kFixed) return DecodeError::kTooShort;
      auspex_exec x;
      std::memcpy(&x, data, kFixed);
      out.kind = EventKind::kExec;
      to_snapshot(x.task, ns_per_tick_, out.task);
      out.task.comm = comm_in_sample(data, offsetof(auspex_exec, task));
      out.old_pid = x.old_pid;
      out.argv_truncated = x.flags & AUSPEX_EXEC_ARGV_TRUNCATED;
      std::string_view cwd_raw;
      if (!str_in(x.filename, data, size, out.filename) || !str_in(x.argv, data, size, out.argv) ||
          !str_in(x.cwd, data, size, cwd_raw))
        return DecodeError::kBadString;
      // argv ends with the NUL of its last argument; drop it so splitting gives no empty arg.
      if (!out.argv.empty() && out.argv.back() == '\0') out.argv.remove_suffix(1);
      std::string_view exe_raw;
      if (!str_in(x.exe, data, size, exe_raw)) return DecodeError::kBadString;
      // A partial walk would give a wrong absolute path: then the field stays unknown.
      join_components(cwd_raw, x.flags & AUSPEX_EXEC_CWD_COMPLETE, cwd_);
      join_components(exe_raw, x.flags & AUSPEX_EXEC_EXE_COMPLETE, exe_);
      out.exe = exe_;
      out.cwd = cwd_;
      return DecodeError::kNone;
    }
    case AUSPEX_EV_EXIT: {
      auspex_exit x;
      if (!read_struct(data, size, x)) return DecodeError::kTooShort;
      out.kind = EventKind::kExit;
      to_snapshot(x.task, ns_per_tick_, out.task);
      out.task.comm = comm_in_sample(data, offsetof(auspex_exit, task));
      out.exit_code = x.exit_code;
      out.exit_code_known = true;
      return DecodeError::kNone;
    }
    case AUSPEX_EV_SETSID: {
      auspex_setsid x;
      if (!read_struct(data, size, x)) return DecodeError::kTooShort;
      out.kind = EventKind::kSetsid;
      to_snapshot(x.task, ns_per_tick_, out.task);
      out.task.comm = comm_in_sample(data, offsetof(auspex_setsid, task));
      return DecodeError::kNone;
    }
    case AUSPEX_EV_SETPGID: {
      auspex_setpgid x;
      if (!read_struct(data, size, x)) return DecodeError::kTooShort;
      out.kind = EventKind::kSetpgid;
      to_snapshot(x.task, ns_per_tick_, out.task);
      out.task.comm = comm_in_sample(data, offsetof(auspex_setpgid, task));
      out.target_pid = x.target_pid;
      out.target_pgid = x.target_pgid;
      return DecodeError::kNone;
    }
    default:
      return DecodeError::kUnknownKind;
  }
}

}  // namespace proctree
