// `auspex rules ...`: check and dump rule files without touching the kernel.
#pragma once

#include <span>

namespace rules {

// Arguments after `rules`: `check FILE...`, `dump FILE...`, `list`.
// Exit status: 0 ok, 1 a file has errors (or the subcommand failed), 2 usage.
int rules_cli_main(std::span<char* const> args);

}  // namespace rules
