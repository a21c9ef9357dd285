#include "core/time_format.h"

#include <cstdio>

namespace core {
namespace {
// Howard Hinnant's civil_from_days: no libc time zone state, no locks, any year.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
}
}  // namespace

void append_rfc3339_ms(std::string& out, int64_t seconds, uint32_t millis) {
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
                        static_cast<long long>(y), m, d, static_cast<unsigned>(rem / 3600),
                        static_cast<unsigned>(rem / 60 % 60), static_cast<unsigned>(rem % 60),
                        millis % 1000);
  out.append(buf, static_cast<size_t>(n));
}

}  // namespace core
