/* The kernel/user ABI of auspex: every struct that crosses the BPF ring buffer.
 *
 * Included by bpf/proctree.bpf.c (after vmlinux.h) and by userspace (C++). Rules (STYLE.md
 * "The kernel/user ABI"): fixed-width fields only, explicit padding, and -Wpadded is an
 * error inside this header so neither build accepts a hole; each size is asserted on both
 * sides. The pid is in the payload; the sample size comes from the ring buffer. Variable data
 * (filename, argv, cwd) is an {offset, len} pair into the event's tail, and userspace checks
 * every pair against the sample size before it reads a byte (proctree/abi_decode.cpp).
 */
#ifndef AUSPEX_ABI_H
#define AUSPEX_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wpadded"

#ifdef __cplusplus
#define AUSPEX_STATIC_ASSERT static_assert
#else
#define AUSPEX_STATIC_ASSERT _Static_assert
#endif

enum auspex_event_kind {
	AUSPEX_EV_FORK = 1,    /* a new process (thread creation is filtered in BPF) */
	AUSPEX_EV_EXEC = 2,    /* execve/execveat succeeded; carries filename, argv, cwd */
	AUSPEX_EV_EXIT = 3,    /* the last thread of a process exited (group_dead) */
	AUSPEX_EV_SETSID = 4,  /* setsid() returned >= 0 */
	AUSPEX_EV_SETPGID = 5, /* setpgid() returned 0 */
};

/* Indexes of the per-cause counters array map `counters` (one u64 each). */
enum auspex_counter {
	AUSPEX_CNT_RINGBUF_FULL = 0,       /* bpf_ringbuf_reserve failed: event lost */
	AUSPEX_CNT_ARGV_TRUNCATED = 1,     /* argv longer than AUSPEX_ARGV_MAX: cut */
	AUSPEX_CNT_FILENAME_TRUNCATED = 2, /* filename did not fit AUSPEX_FILENAME_MAX */
	AUSPEX_CNT_CWD_TRUNCATED = 3,      /* cwd deeper/longer than the walk allows */
	AUSPEX_CNT_ARGV_READ_FAILED = 4,   /* bpf_probe_read_user of argv failed: argv empty */
	AUSPEX_CNT_EXE_TRUNCATED = 5,      /* exe path deeper/longer than the walk allows */
	AUSPEX_CNT_MAX = 6,
};

/* Capture bounds. Powers of two so the verifier can bound offsets with a mask. */
#define AUSPEX_FILENAME_MAX 512
#define AUSPEX_ARGV_MAX 2048
#define AUSPEX_PATH_MAX 2048 /* cwd and exe, each */
#define AUSPEX_PATH_COMPONENT_MAX 256 /* NAME_MAX + 1 */
#define AUSPEX_PATH_DEPTH 32
#define AUSPEX_EXEC_TAIL_MAX (AUSPEX_FILENAME_MAX + AUSPEX_ARGV_MAX + 2 * AUSPEX_PATH_MAX)

/* auspex_exec.flags */
#define AUSPEX_EXEC_ARGV_TRUNCATED (1u << 0)
#define AUSPEX_EXEC_FILENAME_TRUNCATED (1u << 1)
#define AUSPEX_EXEC_CWD_TRUNCATED (1u << 2)
/* cwd and exe are lists of NUL-terminated components, leaf first (the dentry walk order);
 * the user side reverses them. COMPLETE: the walk reached the root; else it is partial. */
#define AUSPEX_EXEC_CWD_COMPLETE (1u << 3)
#define AUSPEX_EXEC_EXE_TRUNCATED (1u << 4)
#define AUSPEX_EXEC_EXE_COMPLETE (1u << 5)

/* auspex_task.flags */
#define AUSPEX_TASK_CHILD_SUBREAPER (1u << 0) /* signal->is_child_subreaper */
#define AUSPEX_TASK_HAS_SUBREAPER (1u << 1)   /* signal->has_child_subreaper */

struct auspex_hdr {
	__u32 kind; /* enum auspex_event_kind */
	__u32 pad0;
	__u64 ts;      /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 ts_boot; /* bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME, lines up with audit time */
};
AUSPEX_STATIC_ASSERT(sizeof(struct auspex_hdr) == 24, "auspex_hdr size");

/* What the kernel says about the process at the hook; ids are in the initial pid ns. */
struct auspex_task {
	__u64 start_boottime; /* task->start_boottime (ns); /proc stat field 22 = this / 10^7 */
	__s32 pid;            /* tgid */
	__s32 tid;            /* the thread that ran the hook */
	__s32 ppid;           /* real_parent->tgid */
	__s32 pgid;
	__s32 sid;
	__u32 uid; /* cred: real and effective ids */
	__u32 euid;
	__u32 gid;
	__u32 egid;
	__u32 tty_major; /* controlling tty (signal->tty), 0/0 when none */
	__u32 tty_minor;
	__u32 flags; /* AUSPEX_TASK_* */
	char comm[16];
};
AUSPEX_STATIC_ASSERT(sizeof(struct auspex_task) == 72, "auspex_task size");

/* {offset, len} of a variable field; offset is from the start of the sample. */
struct auspex_str {
	__u32 off;
	__u32 len;
};

struct auspex_fork {
	struct auspex_hdr hdr;
	struct auspex_task child;
	__u64 parent_start_boottime;
	__s32 parent_pid; /* the forking process (tgid); child.ppid differs with CLONE_PARENT */
	__u32 pad0;
};
AUSPEX_STATIC_ASSERT(sizeof(struct auspex_fork) == 112, "auspex_fork size");

struct auspex_exec {
	struct auspex_hdr hdr;
	struct auspex_task task;
	__s32 old_pid; /* tid that called exec; != task.pid when a non-leader thread execs */
	__u32 flags;   /* AUSPEX_EXEC_* */
	struct auspex_str filename; /* bprm->filename, no NUL counted */
	struct auspex_str argv;     /* NUL-separated, as in /proc/PID/cmdline */
	struct auspex_str cwd;      /* components leaf first, each NUL-terminated */
	struct auspex_str exe;      /* mm->exe_file, same encoding as cwd */
	__u8 tail[AUSPEX_EXEC_TAIL_MAX];
};
AUSPEX_STATIC_ASSERT(sizeof(struct auspex_exec) == 136 + AUSPEX_EXEC_TAIL_MAX, "auspex_exec size");

struct auspex_exit {
	struct auspex_hdr hdr;
	struct auspex_task task;
	__s32 exit_code; /* wait status: (code << 8) | signal, as exit_group(a0) gives a0 << 8 */
	__u32 pad0;
};
AUSPEX_STATIC_ASSERT(sizeof(struct auspex_exit) == 104, "auspex_exit size");

/* setsid: task is the caller after the call (pgid == sid == pid). */
struct auspex_setsid {
	struct auspex_hdr hdr;
	struct auspex_task task;
};
AUSPEX_STATIC_ASSERT(sizeof(struct auspex_setsid) == 96, "auspex_setsid size");

/* setpgid(pid, pgid) may move another process (a child): the target is given as the
 * syscall's arguments resolved the kernel's way (pid 0 = caller, pgid 0 = target pid), in
 * the caller's pid namespace. */
struct auspex_setpgid {
	struct auspex_hdr hdr;
	struct auspex_task task; /* the caller */
	__s32 target_pid;
	__s32 target_pgid;
};
AUSPEX_STATIC_ASSERT(sizeof(struct auspex_setpgid) == 104, "auspex_setpgid size");

#pragma GCC diagnostic pop

#endif /* AUSPEX_ABI_H */
