#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "netlink/cli.h"
#include "netlink/doctor.h"

namespace netlink {

namespace {

void doctor_usage(FILE* f) {
  std::fprintf(f,
               "usage: auspex doctor [--json] [--interval MS]\n"
               "  Checks what keeps auspex from a clean audit stream: another holder of the\n"
               "  audit pid, auditd, journald's audit socket, audit disabled or immutable,\n"
               "  backlog_limit, failure=2, and whether the kernel's lost counter rises\n"
               "  (sampled twice, MS apart; default 1000). Prints the fix for each problem.\n"
               "  Exit status: 0 healthy, 1 problems found, 2 usage.\n");
}

}  // namespace

int doctor_main(std::span<char* const> args) {
  bool json = false;
  long interval_ms = 1000;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--help" || a == "-h") {
      doctor_usage(stdout);
      return 0;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--interval" && i + 1 < args.size()) {
      char* end = nullptr;
      interval_ms = std::strtol(args[++i], &end, 10);
      if (!end || *end || interval_ms < 0 || interval_ms > 600000) {
        std::fprintf(stderr, "auspex doctor: --interval wants milliseconds 0..600000, got '%s'\n", args[i]);
        return 2;
      }
    } else {
      std::fprintf(stderr, "auspex doctor: unknown argument '%s'\n", args[i]);
      doctor_usage(stderr);
      return 2;
    }
  }
  auto facts = gather_doctor_facts(std::chrono::milliseconds(interval_ms));
  auto findings = diagnose(facts);
  std::string out = json ? format_findings_json(findings) : format_findings_text(findings);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return healthy(findings) ? 0 : 1;
}

}  // namespace netlink
