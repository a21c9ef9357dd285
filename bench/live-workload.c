// Workload of bench/live.sh: failed opens + fork/exec of /bin/true at a given total rate.
//
//   live-workload AUID RATE SECONDS WORKERS OPENS_PER_EXEC
//
// Sets its own login uid to AUID (/proc/self/loginuid; root), then WORKERS processes each do
// batches of one fork+exec of /bin/true and OPENS_PER_EXEC opens of a missing path, holding
// the total to RATE events/s (0 = as fast as they go) for SECONDS. Every batch causes
// 1 execve + 1 exit_group (the child's) + OPENS_PER_EXEC failed openat events under AUID;
// each worker's own exit is one more exit_group, and so is this process's.
// Prints one line: "opens EXECS exits EXITS total TOTAL seconds S" (exits include the workers'
// and this process's own exit_group, which come after the print).
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MISSING "/nonexistent/auspex-live-bench/file"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct counts {
  uint64_t opens, execs;
};

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: live-workload AUID RATE SECONDS WORKERS OPENS_PER_EXEC\n");
    return 2;
  }
  const char *auid = argv[1];
  double rate = atof(argv[2]), secs = atof(argv[3]);
  int workers = atoi(argv[4]), per_exec = atoi(argv[5]);
  if (workers < 1 || secs <= 0 || per_exec < 0) {
    fprintf(stderr, "live-workload: bad arguments\n");
    return 2;
  }
  int fd = open("/proc/self/loginuid", O_WRONLY);
  if (fd < 0 || write(fd, auid, strlen(auid)) != (ssize_t)strlen(auid)) {
    perror("live-workload: cannot write /proc/self/loginuid");
    return 1;
  }
  close(fd);
  struct counts *c = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (c == MAP_FAILED) {
    perror("live-workload: mmap");
    return 1;
  }
  const double t0 = now();
  const double per_worker = rate / workers;  // events/s
  for (int w = 0; w < workers; w++) {
    pid_t p = fork();
    if (p < 0) {
      perror("live-workload: fork");
      return 1;
    }
    if (p > 0) continue;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    uint64_t opens = 0, execs = 0, events = 0;
    for (;;) {
      double t = now() - t0;
      if (t >= secs) break;
      if (per_worker > 0) {
        double ahead = (double)events / per_worker - t;  // seconds we are ahead of the rate
        if (ahead > 0) {
          if (ahead > 0.05) ahead = 0.05;
          struct timespec ts = {0, (long)(ahead * 1e9)};
          nanosleep(&ts, NULL);
          continue;
        }
      }
      pid_t k = fork();
      if (k == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
      }
      if (k > 0) {
        int st;
        waitpid(k, &st, 0);
        execs++;
        events += 2;
      }
      for (int i = 0; i < per_exec; i++) {
        int f = open(MISSING, O_RDONLY);
        if (f >= 0) close(f);
        opens++;
      }
      events += (uint64_t)per_exec;
    }
    __atomic_fetch_add(&c->opens, opens, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&c->execs, execs, __ATOMIC_SEQ_CST);
    _exit(0);
  }
  while (wait(NULL) > 0) {
  }
  double el = now() - t0;
  uint64_t exits = c->execs + (uint64_t)workers + 1;
  printf("opens %llu execs %llu exits %llu total %llu seconds %.2f\n", (unsigned long long)c->opens,
         (unsigned long long)c->execs, (unsigned long long)exits,
         (unsigned long long)(c->opens + c->execs + exits), el);
  return 0;
}
