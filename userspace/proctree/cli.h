// `auspex proctree`: the entry point daemon/main.cpp dispatches to.
#pragma once

#include <span>

namespace proctree {

int cli_main(std::span<char* const> args);

}  // namespace proctree
