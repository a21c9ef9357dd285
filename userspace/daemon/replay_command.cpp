// auspex replay [--shards N] [--format events|ecs] [--stats] [--timeout-ms N]
//               [--max-in-flight N] FILE|-
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "core/json_writer.h"
#include "daemon/commands.h"
#include "ecs/ecs_formatter.h"
#include "ecs/events_format.h"
#include "pipeline/log_reader.h"
#include "pipeline/sharded_reassembly.h"
#include "sinks/fd_sink.h"

namespace daemon_cli {
namespace {

constexpr const char* kUsage =
    "usage: auspex replay [--shards N] [--format events|ecs] [--stats] [--timeout-ms N]\n"
    "                     [--max-in-flight N] FILE|-\n"
    "Reads raw audit logs (auditd RAW or ENRICHED format; - for stdin) and writes one\n"
    "NDJSON line per reassembled event to stdout.\n"
    "  --shards N         reassembly worker threads (default 2; 0 = single thread)\n"
    "  --format F         events (raw records) or ecs (Auditd Manager documents)\n"
    "  --stats            one JSON line of counters on stderr at the end\n"
    "  --progress         a progress line on stderr (default: on a terminal, files > 64 MiB)\n"
    "  --timeout-ms N     close an event without EOE or PROCTITLE after N ms of log time\n"
    "                     (default 2000)\n"
    "  --max-in-flight N  open events per worker before the oldest is forced out\n"
    "ecs format:\n"
    "  --passwd FILE      resolve uids from FILE instead of /etc/passwd (another host's logs)\n"
    "  --group FILE       resolve gids from FILE instead of /etc/group\n"
    "  --no-resolve-ids   leave user and group ids unnamed\n"
    "  --no-raw-message   omit event.original\n"
    "  --warnings         add auditd.warnings and error.message\n"
    "  --preserve-original-event  tag preserve_original_event and keep auditd.messages\n";

bool parse_number(const char* s, unsigned long long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(s, &end, 10);
  return errno == 0 && end && *end == 0 && *s != '-';
}

void print_stats(const pipeline::LogReadStats& rs, const reassembly::Counters& c,
                 uint64_t written, double seconds, const sinks::FdSink& sink,
                 const ecs::FormatterFactory& factory) {
  std::string out;
  core::JsonWriter w(out);
  w.begin_object();
  w.key("events").unsigned_number(written);
  w.key("records").unsigned_number(rs.records);
  w.key("lines").unsigned_number(rs.lines);
  w.key("bytes").unsigned_number(rs.bytes);
  w.key("seconds").raw(std::to_string(seconds));
  w.key("events_per_second").unsigned_number(seconds > 0 ? static_cast<uint64_t>(written / seconds) : 0);
  w.key("completed").begin_object();
  w.key("eoe").unsigned_number(c.completed_eoe);
  w.key("standalone").unsigned_number(c.completed_standalone);
  w.key("timeout").unsigned_number(c.completed_timeout);
  w.key("proctitle").unsigned_number(c.completed_proctitle);
  w.key("end_flush").unsigned_number(c.flushed_end);
  w.key("cap_evicted").unsigned_number(c.evicted_cap);
  w.end_object();
  w.key("late_records").unsigned_number(c.late_records);
  w.key("duplicate_records").unsigned_number(c.duplicate_records);
  w.key("trailing_eoe").unsigned_number(c.trailing_eoe);
  w.key("serial_gaps").unsigned_number(rs.serial_gaps);
  w.key("blank_lines").unsigned_number(rs.blank_lines);
  w.key("bad_lines").begin_object();
  for (size_t i = 0; i < rs.bad_lines.size(); ++i) {
    const auto e = static_cast<record::HeaderError>(i);
    if (e == record::HeaderError::kNone || e == record::HeaderError::kEmpty) continue;
    static constexpr const char* kNames[] = {"", "", "no_type", "unknown_type", "no_msg", "bad_timestamp", "bad_type", ""};
    if (!*kNames[i]) continue;
    w.key(kNames[i]).unsigned_number(rs.bad_lines[i]);
  }
  w.end_object();
  if (const auto* ecs_factory = dynamic_cast<const ecs::EcsFormatterFactory*>(&factory)) {
    const auto& fs = ecs_factory->stats();
    w.key("ecs").begin_object();
    w.key("documents").unsigned_number(fs.documents.load());
    w.key("warnings").unsigned_number(fs.warnings.load());
    w.key("unknown_record_types").unsigned_number(fs.unknown_record_types.load());
    w.key("missing_syscall").unsigned_number(fs.missing_syscall.load());
    w.key("no_normalization").unsigned_number(fs.no_normalization.load());
    w.end_object();
  }
  w.key("sink_errors").unsigned_number(sink.errors());
  w.end_object();
  out.push_back('\n');
  std::fputs(out.c_str(), stderr);
}

}  // namespace

int replay_main(Args args) {
  pipeline::ShardConfig config;
  config.reassembly.proctitle_closes = true;
  std::string format = "events";
  ecs::Options ecs_options;
  bool stats = false;
  bool force_progress = false;
  const char* path = nullptr;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    unsigned long long v = 0;
    auto need = [&](const char* what) -> const char* {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "auspex replay: %s needs a value\n%s", what, kUsage);
        return nullptr;
      }
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--stats") {
      stats = true;
    } else if (a == "--progress") {
      force_progress = true;
    } else if (a == "--shards" || a == "--timeout-ms" || a == "--max-in-flight") {
      const char* s = need(args[i]);
      if (!s) return 2;
      if (!parse_number(s, v) || (a == "--shards" && v > 256)) {
        std::fprintf(stderr, "auspex replay: %s: '%s' is not a valid number\n", a.data(), s);
        return 2;
      }
      if (a == "--shards") config.shards = static_cast<unsigned>(v);
      else if (a == "--timeout-ms") config.reassembly.timeout_ms = static_cast<int64_t>(v);
      else config.reassembly.max_in_flight = v ? v : 1;
    } else if (a == "--passwd" || a == "--group") {
      const char* s = need(args[i]);
      if (!s) return 2;
      (a == "--passwd" ? ecs_options.passwd_file : ecs_options.group_file) = s;
    } else if (a == "--no-resolve-ids") {
      ecs_options.resolve_ids = false;
    } else if (a == "--no-raw-message") {
      ecs_options.include_raw_message = false;
    } else if (a == "--warnings") {
      ecs_options.include_warnings = true;
    } else if (a == "--preserve-original-event") {
      ecs_options.preserve_original_event = true;
    } else if (a == "--format") {
      const char* s = need("--format");
      if (!s) return 2;
      format = s;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      std::fprintf(stderr, "auspex replay: unknown option '%s'\n%s", args[i], kUsage);
      return 2;
    } else if (path) {
      std::fprintf(stderr, "auspex replay: one input only ('%s' and '%s')\n", path, args[i]);
      return 2;
    } else {
      path = args[i];
    }
  }
  if (!path) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::unique_ptr<ecs::FormatterFactory> factory;
  if (format == "events") {
    factory = ecs::make_events_factory();
  } else if (format == "ecs") {
    factory = ecs::make_ecs_factory(ecs_options);
  } else {
    std::fprintf(stderr, "auspex replay: unknown --format '%s' (events|ecs)\n", format.c_str());
    return 2;
  }

  int fd = 0;
  uint64_t size = 0;
  if (std::string_view(path) != "-") {
    fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(stderr, "auspex replay: cannot open %s: %s\n", path, std::strerror(errno));
      return 1;
    }
    struct stat st{};
    if (::fstat(fd, &st) == 0) size = static_cast<uint64_t>(st.st_size);
  }

  const auto start = std::chrono::steady_clock::now();
  sinks::FdSink sink(1);
  pipeline::ShardedReassembly pipe(config, *factory, sink);
  pipeline::LogReaderOptions ro;
  // Long files on a terminal show where they are; --progress forces it (every 4096 lines).
  ro.progress = force_progress || (::isatty(2) && size > (64u << 20));
  if (force_progress) ro.progress_interval_ms = 0;
  pipeline::LogReader reader(pipe, ro);
  auto r = reader.read_fd(fd, fd == 0 ? "-" : path, size);
  reader.finish();
  pipe.finish();
  sink.flush();
  if (fd > 0) ::close(fd);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (stats) print_stats(reader.stats(), pipe.counters(), pipe.events_written(), seconds, sink, *factory);
  if (!r.ok()) {
    std::fprintf(stderr, "auspex replay: %s\n", r.error().message.c_str());
    return 1;
  }
  if (sink.errors()) {
    std::fprintf(stderr, "auspex replay: writing stdout failed: %s\n", std::strerror(sink.last_errno()));
    return 1;
  }
  return 0;
}

}  // namespace daemon_cli
