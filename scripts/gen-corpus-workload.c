// Workload for scripts/gen-corpus.sh: makes the audited syscalls that fill a corpus log.
// Built by gen-corpus.sh into its temp dir (cc -O2); not part of the CMake build.
//
//   gen-corpus-workload worker ROLE ID DIR   loop until SIGTERM (ROLE: root | nobody)
//   gen-corpus-workload child ID N ARGS...   what each exec'ed child does, then exit_group
//
// DIR is gen-corpus.sh's temp dir (mode 0711): DIR/watch (0777, under a -w watch),
// DIR/secret (0600 root: EACCES for nobody), DIR/pub (0644 root: EPERM for nobody with
// O_NOATIME, which needs ownership or CAP_FOWNER — see open(2)).
//
// Why a C helper: fork+exec costs ~10 ms on this VM (MACHINE.md), so one exec per
// iteration is surrounded by dozens of cheap failing opens/connects that each make a
// multi-record event (SYSCALL+CWD+PATH+PROCTITLE, SYSCALL+SOCKADDR+PROCTITLE).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_term(int sig) {
  (void)sig;
  stop_requested = 1;
}

static const char* self_path;
static char dir[512];

// Paths that do not exist; some carry bytes the kernel hex-encodes in PATH name=
// (space, quote, non-ASCII, control bytes: audit_string_contains_control()).
static const char* const missing_names[] = {
    "missing",
    "file with spaces",
    "quote\"d",
    "caf\xc3\xa9-\xe2\x9c\x93",
    "raw\xff\xfe-bytes",
    "tab\there",
    "new\nline",
    "dollar$sign;semi",
};
#define N_MISSING (sizeof missing_names / sizeof missing_names[0])

static void failing_opens(int id, unsigned long iter, int count) {
  char path[768];
  for (int i = 0; i < count; i++) {
    snprintf(path, sizeof path, "/nonexistent/auspex-gen/w%d/%lu/%s", id, iter,
             missing_names[(iter + (unsigned)i) % N_MISSING]);
    int fd;
    if (i % 2)
      fd = (int)syscall(SYS_open, path, O_RDONLY);
    else
      fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) close(fd);
  }
}

// As nobody: EACCES (secret is 0600 root) and EPERM (O_NOATIME on a file we do not own).
static void denied_opens(int count) {
  char secret[600], pub[600];
  snprintf(secret, sizeof secret, "%s/secret", dir);
  snprintf(pub, sizeof pub, "%s/pub", dir);
  for (int i = 0; i < count; i++) {
    int fd = (i % 2) ? openat(AT_FDCWD, secret, O_RDONLY) : openat(AT_FDCWD, pub, O_RDONLY | O_NOATIME);
    if (fd >= 0) close(fd);
  }
}

// Connects to closed ports on loopback (ECONNREFUSED), IPv6 and a missing unix socket.
static void failing_connects(int id, unsigned long iter, int count) {
  for (int i = 0; i < count; i++) {
    int kind = (int)((iter + (unsigned)i) % 4);
    int s;
    if (kind == 3) {
      s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (s < 0) continue;
      struct sockaddr_un un = {.sun_family = AF_UNIX};
      snprintf(un.sun_path, sizeof un.sun_path, "%.70s/watch/no-such-socket-%d", dir, id);
      (void)connect(s, (struct sockaddr*)&un, sizeof un);
    } else if (kind == 2) {
      s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (s < 0) continue;
      struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)(9 + i))};
      a6.sin6_addr = in6addr_loopback;
      (void)connect(s, (struct sockaddr*)&a6, sizeof a6);
    } else {
      s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (s < 0) continue;
      struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)(1 + (iter * 7 + (unsigned)i) % 19))};
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      (void)connect(s, (struct sockaddr*)&a, sizeof a);
    }
    close(s);
  }
}

static void binds(int count) {
  for (int i = 0; i < count; i++) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) continue;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)bind(s, (struct sockaddr*)&a, sizeof a);
    close(s);
  }
}

// create / write / chmod / rename / unlink in the watched dir: -w DIR/watch -p wa.
static void watched_ops(int id, unsigned long iter) {
  char a[700], b[700];
  snprintf(a, sizeof a, "%s/watch/w%d-%lu %s", dir, id, iter, missing_names[iter % N_MISSING]);
  snprintf(b, sizeof b, "%s/watch/w%d-%lu.renamed", dir, id, iter);
  int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    (void)!write(fd, "auspex\n", 7);
    close(fd);
  }
  (void)chmod(a, 0600);
  (void)rename(a, b);
  (void)unlink(b);
}

// Userspace audit messages, as sshd, sudo or cron send them (libaudit's
// audit_log_user_message): the kernel logs them as one record, type=USER_* with the text
// inside msg='...', with no syscall rule needed. Root only (CAP_AUDIT_WRITE).
enum { kAuditUserAcct = 1101, kAuditUserStart = 1105, kAuditUserCmd = 1123 };

static void user_messages(int nl, unsigned long iter) {
  if (nl < 0) return;
  char text[512];
  struct {
    struct nlmsghdr h;
    char body[600];
  } m;
  for (int i = 0; i < 3; i++) {
    int type;
    switch ((iter + (unsigned)i) % 3) {
      case 0:
        type = kAuditUserCmd;
        // cmd= is hex as sudo writes it ("ls -la /tmp"), cwd quoted.
        snprintf(text, sizeof text,
                 "cwd=\"/work/main\" cmd=6C73202D6C61202F746D70 exe=\"/usr/bin/sudo\" terminal=pts/%lu res=success",
                 iter % 4);
        break;
      case 1:
        type = kAuditUserAcct;
        snprintf(text, sizeof text,
                 "op=PAM:accounting grantors=pam_permit acct=\"root\" exe=\"/usr/sbin/cron\" hostname=? addr=? terminal=cron res=success");
        break;
      default:
        type = kAuditUserStart;
        snprintf(text, sizeof text,
                 "op=PAM:session_open grantors=pam_unix acct=\"user %lu\" exe=\"/usr/sbin/sshd\" hostname=10.0.0.%lu addr=10.0.0.%lu terminal=ssh res=%s",
                 iter, iter % 250 + 1, iter % 250 + 1, (iter % 7) ? "success" : "failed");
        break;
    }
    size_t n = strlen(text);
    memset(&m, 0, sizeof m);
    // libaudit sends the terminating NUL too; the kernel drops the last byte of the payload.
    m.h.nlmsg_len = (unsigned)NLMSG_LENGTH(n + 1);
    m.h.nlmsg_type = (unsigned short)type;
    m.h.nlmsg_flags = NLM_F_REQUEST;
    m.h.nlmsg_seq = (unsigned)iter;
    memcpy(NLMSG_DATA(&m.h), text, n);
    struct sockaddr_nl to = {.nl_family = AF_NETLINK};
    (void)sendto(nl, &m, m.h.nlmsg_len, 0, (struct sockaddr*)&to, sizeof to);
  }
}

static char* fill(size_t n, char c) {
  char* s = malloc(n + 1);
  if (!s) abort();
  memset(s, c, n);
  s[n] = 0;
  return s;
}

// One fork+exec with an argv the kernel has to split and encode: a huge arg (over
// MAX_EXECVE_AUDIT_LEN=7500, so a1_len= and a1[0..]), quotes, spaces, a newline,
// UTF-8 and raw high bytes (hex-encoded), an empty arg, and many small args so the
// EXECVE record itself spans several records. Alternates execve, execveat by dirfd,
// execveat(AT_EMPTY_PATH) on an fd, and a failing execve (ENOENT).
static void spawn_child(int id, unsigned long iter, int exec_fd) {
  enum { kMaxArgs = 400 };
  char* argv[kMaxArgs + 1];
  int n = 0;
  char idbuf[16], iterbuf[24];
  snprintf(idbuf, sizeof idbuf, "%d", id);
  snprintf(iterbuf, sizeof iterbuf, "%lu", iter);
  argv[n++] = "gen-corpus-workload";
  argv[n++] = "child";
  argv[n++] = idbuf;
  argv[n++] = iterbuf;
  size_t big = (iter % 8 == 0) ? 20000 : (iter % 8 == 4) ? 9000 : 300 + (iter % 97) * 11;
  char* huge = fill(big, (char)('a' + iter % 26));
  argv[n++] = huge;
  argv[n++] = "two words";
  argv[n++] = "say \"hi\" and 'bye'";
  argv[n++] = "line one\nline two";
  argv[n++] = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93";
  argv[n++] = "raw\xff\xfe\x80";
  argv[n++] = "";
  argv[n++] = "--flag=value=with=equals";
  char smalls[300][12];
  int extra = (iter % 3 == 0) ? 300 : 20;
  for (int i = 0; i < extra && n < kMaxArgs; i++) {
    snprintf(smalls[i], sizeof smalls[i], "arg%d", i);
    argv[n++] = smalls[i];
  }
  argv[n] = NULL;
  char* envp[] = {"PATH=/usr/bin:/bin", "AUSPEX_GEN=1", NULL};

  pid_t pid = fork();
  if (pid == 0) {
    // setsid in some children (success), twice in a few (second fails: EPERM, already leader).
    if (iter % 3 == 0) (void)setsid();
    if (iter % 15 == 0) (void)setsid();
    switch (iter % 5) {
      case 0:
      case 1:
        execve(self_path, argv, envp);
        break;
      case 2: {
        syscall(SYS_execveat, AT_FDCWD, self_path, argv, envp, 0);
        break;
      }
      case 3:
        syscall(SYS_execveat, exec_fd, "", argv, envp, AT_EMPTY_PATH);
        break;
      case 4: {
        char bad[640];
        snprintf(bad, sizeof bad, "%s/no such binary \"%lu\"", dir, iter);
        execve(bad, argv, envp);
        execve(self_path, argv, envp);
        break;
      }
    }
    _exit(127);
  }
  free(huge);
  if (pid > 0) {
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
  }
}

static int run_child(int argc, char** argv) {
  int id = argc > 2 ? atoi(argv[2]) : 0;
  unsigned long iter = argc > 3 ? strtoul(argv[3], NULL, 10) : 0;
  failing_opens(id, iter, 3);
  failing_connects(id, iter, 1);
  // exit status varies so exit_group's a0 does too.
  return (int)(iter % 3);
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Holds the log's growth to AUSPEX_GEN_RATE bytes/s (shared by all workers: each one
// sleeps while the log is ahead of rate * elapsed), so the log spans a realistic stretch of
// log time instead of a couple of seconds: events then complete by timeout in readers, as
// they do on a real host. stat() is not in the rule mix, so throttling adds no records.
struct Throttle {
  int log_fd;  // O_PATH, opened before dropping privileges: uid 65534 cannot reach the log
  double rate;
  double t0;
  long long size0;
};

static long long file_size(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 ? (long long)st.st_size : 0;
}

static void throttle_init(struct Throttle* t) {
  const char* log = getenv("AUSPEX_GEN_LOG");
  const char* rate = getenv("AUSPEX_GEN_RATE");
  t->log_fd = log ? open(log, O_PATH | O_CLOEXEC) : -1;
  t->rate = rate ? strtod(rate, NULL) : 0;
  t->t0 = now_seconds();
  t->size0 = t->log_fd >= 0 ? file_size(t->log_fd) : 0;
}

// Sleeps to the next 50 ms boundary of CLOCK_MONOTONIC (shared by all processes), not for
// a computed delay: throttled workers then wake and run together, so their events still
// interleave in the log as they do unthrottled.
static void throttle_wait(const struct Throttle* t) {
  if (t->log_fd < 0 || t->rate <= 0) return;
  const long long tick_ns = 50 * 1000 * 1000;
  while (!stop_requested) {
    double ahead = (double)(file_size(t->log_fd) - t->size0) - t->rate * (now_seconds() - t->t0);
    if (ahead <= 0) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ns = ((long long)now.tv_sec * 1000000000LL + now.tv_nsec) / tick_ns * tick_ns + tick_ns;
    struct timespec until = {.tv_sec = (time_t)(ns / 1000000000LL), .tv_nsec = (long)(ns % 1000000000LL)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
  }
}

static int set_loginuid(const char* auid) {
  int fd = open("/proc/self/loginuid", O_WRONLY);
  if (fd < 0) return -1;
  ssize_t w = write(fd, auid, strlen(auid));
  close(fd);
  return w == (ssize_t)strlen(auid) ? 0 : -1;
}

static int run_worker(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: gen-corpus-workload worker root|nobody ID DIR\n");
    return 2;
  }
  const char* role = argv[2];
  int id = atoi(argv[3]);
  snprintf(dir, sizeof dir, "%s", argv[4]);

  // The script may die without running its trap (SIGKILL): do not outlive it.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) return 0;
  struct sigaction sa = {.sa_handler = on_term};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  // Rules filter on this auid so only the workload is recorded, not other users of
  // the machine. Writing loginuid needs CAP_AUDIT_CONTROL (root) and logs a LOGIN record.
  const char* auid = getenv("AUSPEX_GEN_AUID");
  if (auid && set_loginuid(auid) != 0) {
    fprintf(stderr, "gen-corpus-workload: cannot set /proc/self/loginuid to %s: %s\n", auid, strerror(errno));
    return 1;
  }
  int exec_fd = open(self_path, O_PATH | O_CLOEXEC);
  int nl = -1;
  if (strcmp(role, "root") == 0) nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
  struct Throttle throttle;
  throttle_init(&throttle);
  int nobody = strcmp(role, "nobody") == 0;
  if (nobody) {
    if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) {
      fprintf(stderr, "gen-corpus-workload: cannot drop to uid 65534: %s\n", strerror(errno));
      return 1;
    }
  }
  for (unsigned long iter = 0; !stop_requested; iter++) {
    throttle_wait(&throttle);
    spawn_child(id, iter, exec_fd);
    failing_opens(id, iter, 48);
    if (nobody) denied_opens(24);
    failing_connects(id, iter, 12);
    binds(2);
    watched_ops(id, iter);
    user_messages(nl, iter);
  }
  return 0;
}

int main(int argc, char** argv) {
  self_path = "/proc/self/exe";
  static char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    self_path = exe;
  }
  if (argc >= 2 && strcmp(argv[1], "worker") == 0) return run_worker(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "child") == 0) return run_child(argc, argv);
  fprintf(stderr, "usage: gen-corpus-workload worker root|nobody ID DIR | child ID N ...\n");
  return 2;
}
