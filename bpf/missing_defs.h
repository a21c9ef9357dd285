/* Kernel definitions BTF does not carry (macros), for the BPF programs. Each names its
 * source header; they are stable ABI-ish constants on x86-64. */
#ifndef AUSPEX_MISSING_DEFS_H
#define AUSPEX_MISSING_DEFS_H

/* include/linux/sched/signal.h */
#define SIGNAL_GROUP_EXIT 0x00000004

/* arch/x86/include/asm/thread_info.h: thread_info.status bit of a 32-bit syscall */
#define TS_COMPAT 0x0002

/* arch/x86/entry/syscalls/syscall_64.tbl */
#define AUSPEX_NR_SETPGID 109
#define AUSPEX_NR_SETSID 112

#endif
