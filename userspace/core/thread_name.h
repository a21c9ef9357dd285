// Names the calling thread (what `top -H`, `ps -L` and /proc/PID/task/TID/comm show), so an
// operator can tell which part of auspex uses the CPU. Linux keeps 15 bytes; longer names
// are cut. Failure is harmless and ignored.
#pragma once

#include <string_view>

namespace core {

void name_this_thread(std::string_view name);

}  // namespace core
