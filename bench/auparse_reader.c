// libauparse baseline for bench/replay.sh: reads a raw audit log with libauparse and walks
// every event, record and field, touching each field's value, as a consumer of the library
// would. Prints one JSON summary line on stdout.
//
//   auparse_reader [--interpret] [--list] FILE
//
//   (default)    touch auparse_get_field_str(): the raw value as it is in the log
//   --interpret  touch auparse_interpret_field() instead: hex decoding, uid/syscall/errno
//                names, etc. (what ausearch -i shows; much slower)
//   --list       also print one line per event on stdout before the summary:
//                "SERIAL NRECORDS" (for comparing event grouping with auspex replay)
//
// Timing covers auparse_init() to the end of the last event (file read included), measured
// with CLOCK_MONOTONIC inside the process: process start-up and exit are not in `seconds`.
// auparse groups records into events by serial (and node), completing an event on EOE, on
// an end_of_event_timeout (2 s of log time by default) or at end of input.
#include <auparse.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_json_string(const char* s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static void usage(void) {
  fprintf(stderr, "usage: auparse_reader [--interpret] [--list] FILE\n");
}

int main(int argc, char** argv) {
  int interpret = 0;
  int list = 0;
  const char* path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--interpret") == 0) {
      interpret = 1;
    } else if (strcmp(argv[i], "--list") == 0) {
      list = 1;
    } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      usage();
      return 0;
    } else if (argv[i][0] == '-' && argv[i][1] != 0) {
      fprintf(stderr, "auparse_reader: unknown option %s\n", argv[i]);
      usage();
      return 2;
    } else if (path == NULL) {
      path = argv[i];
    } else {
      usage();
      return 2;
    }
  }
  if (path == NULL) {
    usage();
    return 2;
  }
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "auparse_reader: cannot stat %s: %s\n", path, strerror(errno));
    return 1;
  }

  double t0 = now_seconds();
  auparse_state_t* au = auparse_init(AUSOURCE_FILE, path);
  if (au == NULL) {
    fprintf(stderr, "auparse_reader: auparse_init(%s) failed: %s\n", path, strerror(errno));
    return 1;
  }
  uint64_t events = 0, records = 0, fields = 0, value_bytes = 0, null_values = 0;
  // Folded over every value so the compiler cannot drop the reads.
  uint64_t checksum = 0;
  int rc;
  while ((rc = auparse_next_event(au)) > 0) {
    events++;
    unsigned nrec = auparse_get_num_records(au);
    if (list) {
      const au_event_t* ev = auparse_get_timestamp(au);
      printf("%lu %u\n", ev ? ev->serial : 0UL, nrec);
    }
    // auparse_next_event leaves the cursor on the first record's first field.
    do {
      records++;
      do {
        fields++;
        const char* v = interpret ? auparse_interpret_field(au) : auparse_get_field_str(au);
        if (v == NULL) {
          null_values++;
          continue;
        }
        size_t n = strlen(v);
        value_bytes += n;
        checksum = checksum * 31 + n + (unsigned char)v[0];
      } while (auparse_next_field(au) > 0);
    } while (auparse_next_record(au) > 0);
  }
  double seconds = now_seconds() - t0;
  auparse_destroy(au);
  if (rc < 0) {
    fprintf(stderr, "auparse_reader: auparse_next_event failed on %s: %s\n", path, strerror(errno));
    return 1;
  }
  printf("{\"reader\":\"libauparse\",\"mode\":\"%s\",\"file\":", interpret ? "interpreted" : "raw");
  print_json_string(path);
  printf(",\"bytes\":%jd,"
         "\"events\":%" PRIu64 ",\"records\":%" PRIu64 ",\"fields\":%" PRIu64
         ",\"value_bytes\":%" PRIu64 ",\"null_values\":%" PRIu64 ",\"checksum\":%" PRIu64
         ",\"seconds\":%.6f,\"events_per_s\":%.0f,\"mib_per_s\":%.2f}\n",
         (intmax_t)st.st_size, events, records, fields,
         value_bytes, null_values, checksum, seconds, seconds > 0 ? (double)events / seconds : 0.0,
         seconds > 0 ? (double)st.st_size / 1048576.0 / seconds : 0.0);
  return 0;
}
