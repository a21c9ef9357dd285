// auspex: Linux audit collector. See README.md for the commands.
#include <cstdio>
#include <cstring>
#include <span>
#include <string_view>

#include "daemon/commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(daemon_cli::Args);
  const char* help;
};

// One line per subcommand; modules add theirs here.
constexpr Command kCommands[] = {
    {"run", daemon_cli::run_main, "collect live kernel audit events as NDJSON documents"},
    {"replay", daemon_cli::replay_main, "replay raw audit logs as NDJSON events"},
    {"proctree", daemon_cli::proctree_main, "print process/session tree changes as NDJSON"},
    {"rules", daemon_cli::rules_main, "check, dump, list and advise on audit rules (auditctl syntax)"},
    {"doctor", netlink::doctor_main, "diagnose audit pid holders, auditd, journald, backlog, loss"},
};

void usage(FILE* f) {
  std::fprintf(f, "usage: auspex COMMAND [ARGS...]\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(f, "  %-10s %s\n", c.name, c.help);
  std::fprintf(f, "\n`auspex COMMAND --help` for a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (const auto& c : kCommands) {
    if (std::string_view(argv[1]) == c.name)
      return c.run(std::span<char* const>(argv + 2, static_cast<size_t>(argc - 2)));
  }
  std::fprintf(stderr, "auspex: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
