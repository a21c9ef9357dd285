// Subcommands of the `auspex` binary. Each module that owns a command exposes one entry
// point taking the arguments after the command name; main.cpp only dispatches.
#pragma once

#include <span>
#include <string_view>

namespace daemon_cli {

using Args = std::span<char* const>;  // arguments after the subcommand name

int replay_main(Args args);
int run_main(Args args);  // the live collector (run_command.cpp)
// `auspex rules`: `list` reads the kernel (netlink) and renders with the rules decoder;
// everything else is the rules module's (rules_command.cpp).
int rules_main(Args args);
int proctree_main(Args args);  // userspace/proctree/cli.cpp

}  // namespace daemon_cli

namespace rules {
int rules_cli_main(std::span<char* const> args);  // userspace/rules/cli.cpp
}  // namespace rules

namespace netlink {
int doctor_main(std::span<char* const> args);  // userspace/netlink/doctor_cli.cpp
}  // namespace netlink
