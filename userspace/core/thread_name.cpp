#include "core/thread_name.h"

#include <pthread.h>

#include <cstring>

namespace core {

void name_this_thread(std::string_view name) {
  char buf[16];
  const size_t n = name.size() < sizeof buf - 1 ? name.size() : sizeof buf - 1;
  std::memcpy(buf, name.data(), n);
  buf[n] = '\0';
  (void)pthread_setname_np(pthread_self(), buf);
}

}  // namespace core
