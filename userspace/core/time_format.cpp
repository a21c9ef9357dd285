#include "core/time_format.h"


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
  // Fixed-width digits by hand: this runs once per event, and snprintf costs more than the
  // rest of the timestamp work.
  char buf[32];
  char* p = buf;
  auto digits = [&p](uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    p += width;
  };
  if (y < 0 || y > 9999) y = y < 0 ? 0 : 9999;  // RFC 3339 has four-digit years only
  digits(static_cast<uint64_t>(y), 4);
  *p++ = '-';
  digits(m, 2);
  *p++ = '-';
  digits(d, 2);
  *p++ = 'T';
  digits(static_cast<uint64_t>(rem / 3600), 2);
  *p++ = ':';
  digits(static_cast<uint64_t>(rem / 60 % 60), 2);
  *p++ = ':';
  digits(static_cast<uint64_t>(rem % 60), 2);
  *p++ = '.';
  digits(millis % 1000, 3);
  *p++ = 'Z';
  out.append(buf, static_cast<size_t>(p - buf));
}

}  // namespace core
