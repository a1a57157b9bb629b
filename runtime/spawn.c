/*
 * spawn.c - threads and processes started from compartment code.
 *
 * A new thread or process copies its creator's PKRU, and libc reads what it
 * runs next from key-0 memory: glibc's start_thread calls start_routine(arg)
 * from struct pthread, clone's child pops fn and arg off its new stack, fork
 * runs the atfork handlers from a key-0 list, posix_spawn's child reads its
 * file actions and argv, timer_create's SIGEV_THREAD helper thread calls
 * notify functions. Any domain can rewrite those while the creator is
 * in libc, so with a compartment's rights that code would run whatever the
 * default domain chose, with those rights (issue 11, break 3). So, when the
 * caller holds a compartment's rights, the interposers here and in threads.c
 * call the C library with the default domain's rights, on the default
 * domain's stack (bh_as_default), and come back into the compartment only
 * through enter.c's checked way back. Arguments that libc reads are first
 * copied, with the compartment's rights, into a shared block (key 0):
 * libc then needs no compartment rights to read them. Results come back in
 * registers and are stored with the compartment's rights.
 *
 * fork (and vfork, which becomes _Fork here) from a compartment: the fork and
 * the atfork handlers run with the default domain's rights; in both parent
 * and child the call returns into the compartment, which goes on with its
 * rights (the child is a copy: its other threads are gone).
 */
#define _GNU_SOURCE
#include "spawn.h"
#include "../include/bulkhead.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

/* The default domain's checked gate (include/bulkhead/abi.h). */
#define GATE0 BH_CHECKED_GATE_ASM(BH_SYM_DOMAIN0)
/* Nothing of the compartment's in registers the callee could spill to key-0
 * memory (rdi-rdx, callee-saved ones are set or cleared elsewhere). */
#define SCRUB BH_SCRUB_ASM("esi,r8d,r9d,r10d,r11d")

/*
 * bh_as_default(fn, ctx). The compartment, i, is the one whose rights the
 * thread holds (RDPKRU: only a gate installs a domain's PKRU).
 *
 * On i's own stack (per-compartment stacks): leaves there what
 * anyTrampoline (pass/Stacks.cpp) leaves, callee-saved registers and the
 * record (abi.h, BH_RECORD_*), points i's mark and slot at the record,
 * enters the default domain, calls
 * fn on the default domain's stack (below where it left off, else on the
 * thread's runtime stack) and goes back through __bulkhead_return_to_index
 * (enter.c): a gate into i only, which checks the saved stack pointer (it
 * sat on the key-0 stack) against i's arena and the record's cookie before
 * using it. As for anyTrampoline, a default domain that rewrites the saved
 * pointer and index can only pick another call of a compartment still in
 * progress (threat-model.md, "Pointers").
 *
 * On a key-0 stack (-fno-pkey-compartment-stacks): calls fn where it is and
 * re-enters i by bh_enter_index; i then sits on the key-0 stack, trusted like
 * every return address of that mode.
 */
_Static_assert(BH_STACK_SIZE == 0x100000 && BH_STACK_MARK_BELOW == 8,
               "bh_as_default's mark: at the stack's last byte - 7");
_Static_assert(BH_RECORD_INDEX == 0 && BH_RECORD_COOKIE == 8 &&
                   BH_RECORD_OLD_SLOT == 16 && BH_RECORD_OLD_MARK == 24 &&
                   BH_RECORD_SIZE == 40,
               "bh_as_default pushes the record in this order");
// clang-format off
__asm__(
    ".pushsection " BH_SECTION_TRAMPOLINES ",\"ax\",@progbits\n"
    ".globl bh_as_default\n"
    ".hidden bh_as_default\n"
    ".type bh_as_default,@function\n"
    "bh_as_default:\n"
    "  pushq %rbx\n  pushq %rbp\n  pushq %r12\n"
    "  pushq %r13\n  pushq %r14\n  pushq %r15\n"
    "  movq %rdi, %r12\n"               /* fn */
    "  movq %rsi, %r13\n"               /* ctx */
    "  callq " BH_SYM_CALLER_INDEX "\n" /* r11 = i, or -1 */
    "  testq %r11, %r11\n"
    "  js 9f\n"
    "  xorl %ebp, %ebp\n  xorl %r14d, %r14d\n  xorl %r15d, %r15d\n"
    "  movq %r11, %rbx\n"
    /* i's descriptor, from the table of compartments; past its end the
       index table holds the default domain's PKRU (enter.c) */
    BH_ASM_DOMAIN_AT("%r11", "%rbx")
    "  cmpq " BH_STR(BH_DOMAIN_STACK_LO) "(%rbx), %rsp\n"
    "  jbe 8f\n"
    "  cmpq " BH_STR(BH_DOMAIN_STACK_HI) "(%rbx), %rsp\n"
    "  ja 8f\n"
    "  leaq " BH_SYM_INDEX_TABLE "+" BH_STR(BH_INDEX_SLOT_TPOFF) "(%rip), %r10\n"
    "  movq (%r10,%r11,8), %r10\n" /* i's slot, %fs-relative */
    "  testq %r10, %r10\n"
    "  jz 9f\n"
    "  movq " BH_STR(BH_DOMAIN_STACK_LO) "(%rbx), %rbx\n"
    /* r14: the last byte of i's stack, whose mark is at r14 - 7 */
    "  movq %rsp, %r14\n"
    "  subq %rbx, %r14\n"
    "  subq $1, %r14\n"
    "  orq $0xfffff, %r14\n"
    "  addq %rbx, %r14\n"
    /* the record (BH_RECORD_*): padding, old mark, old slot, cookie, i */
    "  pushq $0\n"
    "  pushq -7(%r14)\n"
    "  pushq %fs:(%r10)\n"
    "  pushq -" BH_STR(BH_COOKIE_BELOW) "(%rbx)\n"
    "  pushq %r11\n"
    /* re-entries into i continue below: the mark first, then the slot */
    "  movq %rsp, -7(%r14)\n"
    "  movq %rsp, %fs:(%r10)\n"
    "  movq %rsp, %r14\n"
    "  movq %r11, %r15\n"
    "  xorl %ebx, %ebx\n"
    SCRUB
    GATE0
    "  movq " BH_SYM_DEFAULT_STACK_SLOT "@gottpoff(%rip), %rcx\n"
    "  movq %fs:(%rcx), %rax\n"
    "  testq %rax, %rax\n"
    "  jnz 3f\n"
    "  movq " BH_SYM_RT_STACK "@gottpoff(%rip), %rax\n"
    "  movq %fs:(%rax), %rax\n"
    "  testq %rax, %rax\n"
    "  jz 9f\n"
    "3:\n"
    "  andq $-16, %rax\n"
    "  movq %rax, %rsp\n"
    "  pushq %fs:(%rcx)\n" /* the default domain's slot */
    "  pushq %r14\n"       /* i's stack pointer */
    "  pushq %r15\n"       /* i */
    "  subq $8, %rsp\n"
    "  movq %rsp, %fs:(%rcx)\n"
    "  xorl %r14d, %r14d\n  xorl %r15d, %r15d\n"
    "  movq %r13, %rdi\n"
    "  callq *%r12\n"
    "  movq " BH_SYM_DEFAULT_STACK_SLOT "@gottpoff(%rip), %rcx\n"
    "  movq 24(%rsp), %rsi\n"
    "  movq %rsi, %fs:(%rcx)\n"
    "  movq %rax, %r10\n"
    "  movq %rdx, %r8\n"
    "  movq 8(%rsp), %rdi\n"
    "  movq 16(%rsp), %r11\n"
    "  jmp " BH_SYM_RETURN_TO_INDEX "\n"
    "8:\n"
    "  pushq %r11\n"
    "  xorl %ebx, %ebx\n"
    SCRUB
    GATE0
    "  movq %r13, %rdi\n"
    "  callq *%r12\n"
    "  movq %rax, %r12\n"
    "  movq %rdx, %r13\n"
    "  popq %rdi\n"
    "  callq " BH_SYM_ENTER_INDEX "\n"
    "  movq %r12, %rax\n"
    "  movq %r13, %rdx\n"
    "  popq %r15\n  popq %r14\n  popq %r13\n"
    "  popq %r12\n  popq %rbp\n  popq %rbx\n"
    "  ret\n"
    "9:\n"
    "  ud2\n"
    ".size bh_as_default, .-bh_as_default\n"
    ".popsection\n");
// clang-format on

/* ----------------------------------------------------- shared blocks */

static struct bh_pair alloc_shared(void *n) {
  return (struct bh_pair){(long)bulkhead_shared_malloc((size_t)n), 0};
}

/* Whether [p, p + n) touches no compartment's memory (n may be any size
 * the default domain's allocator made up). */
int bh_outside_compartments(const char *p, size_t n) {
  uintptr_t a = (uintptr_t)p, b = a + n;
  return b >= a && !bh_overlaps_compartment(a, b);
}

void *bh_shared_block(size_t n) {
  char *p = (char *)bh_as_default(alloc_shared, (void *)(n ? n : 1)).a;
  /* The default domain's allocator, with key-0 bookkeeping, chose it. */
  if (p && !bh_outside_compartments(p, n ? n : 1))
    bh_fatal("the shared heap returned a compartment's memory");
  return p;
}

/* A copy of s at *at, advanced past it, cut to end before end: s may be
 * key-0 memory that another thread changes after we measured it. */
static char *put_string(char **at, char *end, const char *s) {
  char *d = *at;
  if (d >= end)
    return NULL; /* it grew since we measured it: cut the vector there */
  size_t len = strnlen(s, (size_t)(end - d) - 1);
  memcpy(d, s, len);
  d[len] = 0;
  *at = d + len + 1;
  return d;
}

/* ----------------------------------------------------------- fork */

/* Looked up before main: fork may be called from a signal handler, where
 * dlsym may not. */
static pid_t (*libc_fork)(void), (*libc__Fork)(void);
__attribute__((constructor)) static void find_fork(void) {
  libc_fork = (pid_t(*)(void))dlsym(RTLD_NEXT, "fork");
  libc__Fork = (pid_t(*)(void))dlsym(RTLD_NEXT, "_Fork"); /* glibc >= 2.34 */
}

static struct bh_pair fork_as_default(void *plain) {
  pid_t (**f)(void) = plain ? &libc__Fork : &libc_fork;
  if (!*f) /* called before our constructor, or no _Fork: exits if none */
    *f = bh_libc(plain ? "_Fork" : "fork");
  pid_t pid = (*f)();
  if (pid == 0)
    bh_stacks_after_fork();
  return (struct bh_pair){pid, 0};
}

pid_t fork(void) {
  if (bh_in_compartment())
    return (pid_t)bh_as_default(fork_as_default, NULL).a;
  return (pid_t)fork_as_default(NULL).a;
}

pid_t _Fork(void) {
  if (bh_in_compartment())
    return (pid_t)bh_as_default(fork_as_default, (void *)1).a;
  return (pid_t)fork_as_default((void *)1).a;
}

/* glibc's daemon forks inside libc (__fork), past fork above: its child's
 * stack fix-up would rest on glibc's key-0 atfork list alone
 * (attacks-rev70a-fork-handler-list.c, daemon). The same steps, through
 * the runtime's fork. */
int daemon(int nochdir, int noclose) {
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid > 0)
    _exit(0);
  if (setsid() < 0)
    return -1;
  if (!nochdir && chdir("/")) {
    /* as glibc: a daemon that cannot reach / stays where it is */
  }
  if (noclose)
    return 0;
  int fd = open("/dev/null", O_RDWR);
  if (fd < 0)
    return -1;
  struct stat st;
  int bad = fstat(fd, &st) ? errno : S_ISCHR(st.st_mode) ? 0 : ENODEV;
  for (int i = 0; i < 3 && !bad; i++)
    dup2(fd, i);
  if (fd > 2 || bad)
    close(fd);
  if (bad)
    errno = bad;
  return bad ? -1 : 0;
}

/* glibc's forkpty forks inside libc too (__fork): the same, through the
 * runtime's fork (review 77a, attacks-rev77a-forkpty-handler-list.c);
 * glibc's steps otherwise. */
int forkpty(int *master, char *name, const struct termios *tp,
            const struct winsize *wp) {
  int m, s;
  if (openpty(&m, &s, name, tp, wp) == -1)
    return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(m);
    close(s);
    return -1;
  }
  if (pid == 0) {
    close(m);
    if (login_tty(s))
      _exit(1);
    return 0;
  }
  *master = m;
  close(s);
  return pid;
}

/* vfork: the child borrows the parent's stack until it execs or exits, so
 * no frame of ours may be in between: from the default domain it is libc's
 * vfork itself (a tail jump); from a compartment, _Fork with the default
 * domain's rights (POSIX allows vfork to be fork; the child gets its own
 * copy of memory, which a program using vfork correctly cannot tell). */
int bh_vfork_in_compartment(void) BH_HIDDEN;
int bh_vfork_in_compartment(void) { return bh_in_compartment(); }
pid_t bh_vfork_compartment(void) BH_HIDDEN;
pid_t bh_vfork_compartment(void) {
  return (pid_t)bh_as_default(fork_as_default, (void *)1).a;
}
/* The test's frame is gone before libc's vfork runs. */
__asm__(".text\n"
        ".globl vfork\n"
        ".type vfork,@function\n"
        "vfork:\n"
        "  subq $8, %rsp\n"
        "  callq bh_vfork_in_compartment\n"
        "  addq $8, %rsp\n"
        "  testl %eax, %eax\n"
        "  jnz bh_vfork_compartment\n"
        "  jmp *__vfork@GOTPCREL(%rip)\n"
        ".size vfork, .-vfork\n");

/* ---------------------------------------------------- posix_spawn */

struct spawn {
  int search; /* posix_spawnp */
  int has_actions, has_attr;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  char *path;
  char **argv, **envp;
};

static int count(char *const *v) {
  int n = 0;
  while (v && v[n])
    n++;
  return n;
}

static size_t strings_size(char *const *v, int n) {
  size_t s = 0;
  for (int k = 0; k < n; k++)
    s += strlen(v[k]) + 1;
  return s;
}

static char **put_vector(char ***slots, char **at, char *end, char *const *v,
                         int n) {
  if (!v)
    return NULL;
  char **out = *slots;
  for (int k = 0; k < n; k++) {
    const char *s = v[k];
    out[k] = put_string(at, end, s ? s : "");
  }
  out[n] = NULL;
  *slots += n + 1;
  return out;
}

typedef int spawn_fn(pid_t *, const char *, const posix_spawn_file_actions_t *,
                     const posix_spawnattr_t *, char *const[], char *const[]);
static spawn_fn *libc_spawn[2];
static spawn_fn *spawn_of(int search) {
  if (!libc_spawn[search])
    libc_spawn[search] = bh_libc(search ? "posix_spawnp" : "posix_spawn");
  return libc_spawn[search];
}

static struct bh_pair spawn_as_default(void *p) {
  struct spawn *s = p;
  pid_t pid = 0;
  int err =
      spawn_of(s->search)(&pid, s->path, s->has_actions ? &s->actions : NULL,
                          s->has_attr ? &s->attr : NULL, s->argv, s->envp);
  free(s);
  return (struct bh_pair){err, pid};
}

/* From a compartment: everything libc reads is copied into one shared
 * block. The file actions' and attributes' own storage is libc's (shared
 * heap), their structs are copied as they are. */
static int spawn_compartment(int search, pid_t *pid, const char *path,
                             const posix_spawn_file_actions_t *actions,
                             const posix_spawnattr_t *attr, char *const argv[],
                             char *const envp[]) {
  int argc = count(argv), envc = count(envp);
  size_t size = sizeof(struct spawn) +
                (size_t)(argc + envc + 2) * sizeof(char *) + strlen(path) + 1 +
                strings_size(argv, argc) + strings_size(envp, envc);
  char *b = bh_shared_block(size);
  if (!b)
    return ENOMEM;
  struct spawn *s = (struct spawn *)b;
  memset(s, 0, sizeof *s);
  s->search = search;
  if ((s->has_actions = actions != NULL))
    s->actions = *actions;
  if ((s->has_attr = attr != NULL))
    s->attr = *attr;
  char **slots = (char **)(s + 1);
  char *at = (char *)(slots + argc + envc + 2), *end = b + size;
  s->path = put_string(&at, end, path);
  s->argv = put_vector(&slots, &at, end, argv, argc);
  s->envp = put_vector(&slots, &at, end, envp, envc);
  struct bh_pair r = bh_as_default(spawn_as_default, s);
  if (!r.a && pid)
    *pid = (pid_t)r.b;
  return (int)r.a;
}

int posix_spawn(pid_t *pid, const char *path,
                const posix_spawn_file_actions_t *actions,
                const posix_spawnattr_t *attr, char *const argv[],
                char *const envp[]) {
  if (bh_in_compartment())
    return spawn_compartment(0, pid, path, actions, attr, argv, envp);
  return spawn_of(0)(pid, path, actions, attr, argv, envp);
}

int posix_spawnp(pid_t *pid, const char *file,
                 const posix_spawn_file_actions_t *actions,
                 const posix_spawnattr_t *attr, char *const argv[],
                 char *const envp[]) {
  if (bh_in_compartment())
    return spawn_compartment(1, pid, file, actions, attr, argv, envp);
  return spawn_of(1)(pid, file, actions, attr, argv, envp);
}

/* ------------------------------------------------- system and popen */

struct command {
  int popen;
  char *command, *mode;
};

static int (*libc_system)(const char *);
static FILE *(*libc_popen)(const char *, const char *);

static long run_command(const char *cmd, const char *mode) {
  if (mode) {
    if (!libc_popen)
      libc_popen = bh_libc("popen");
    return (long)libc_popen(cmd, mode);
  }
  if (!libc_system)
    libc_system = bh_libc("system");
  return libc_system(cmd);
}

static struct bh_pair command_as_default(void *p) {
  struct command *c = p;
  long r = c->popen ? run_command(c->command, c->mode ? c->mode : "")
                    : run_command(c->command, NULL);
  free(c);
  return (struct bh_pair){r, 0};
}

/* From a compartment, command and mode are copied into a shared block. */
static long command(const char *cmd, const char *mode) {
  if (!bh_in_compartment())
    return run_command(cmd, mode);
  size_t clen = cmd ? strlen(cmd) + 1 : 0, mlen = mode ? strlen(mode) + 1 : 0;
  char *b = bh_shared_block(sizeof(struct command) + clen + mlen);
  if (!b)
    return errno = ENOMEM, mode ? 0 : -1;
  struct command *c = (struct command *)b;
  c->popen = mode != NULL;
  char *at = b + sizeof *c, *end = at + clen + mlen;
  c->command = cmd ? put_string(&at, end, cmd) : NULL;
  c->mode = mode ? put_string(&at, end, mode) : NULL;
  return bh_as_default(command_as_default, c).a;
}

int system(const char *cmd) { return (int)command(cmd, NULL); }
FILE *popen(const char *cmd, const char *mode) {
  return (FILE *)command(cmd, mode);
}

/* -------------------------------------------------------- timer_create */

/* With SIGEV_THREAD, glibc starts a helper thread on the first such call,
 * which inherits the caller's PKRU and later starts a thread per expiry
 * that calls the notify function read from key-0 memory: called from a
 * compartment it would make every notification run with its rights. */
struct timer_req {
  clockid_t clock;
  int has_event, has_attr;
  struct sigevent event;
  pthread_attr_t attr;
};

static int (*libc_timer_create)(clockid_t, struct sigevent *, timer_t *);

static struct bh_pair timer_as_default(void *p) {
  struct timer_req *r = p;
  if (!libc_timer_create)
    libc_timer_create = bh_libc("timer_create");
  if (r->has_attr)
    r->event.sigev_notify_attributes = &r->attr;
  timer_t id = 0;
  int err = libc_timer_create(r->clock, r->has_event ? &r->event : NULL, &id);
  long e = err ? errno : 0;
  free(r);
  return (struct bh_pair){err ? -e : 0, (long)id};
}

int timer_create(clockid_t clock, struct sigevent *event, timer_t *id) {
  if (!bh_in_compartment()) {
    if (!libc_timer_create)
      libc_timer_create = bh_libc("timer_create");
    return libc_timer_create(clock, event, id);
  }
  struct timer_req *r = bh_shared_block(sizeof *r);
  if (!r)
    return errno = EAGAIN, -1;
  r->clock = clock;
  r->has_event = event != NULL;
  r->has_attr = 0;
  if (event) {
    r->event = *event;
    if (event->sigev_notify == SIGEV_THREAD && event->sigev_notify_attributes) {
      r->attr = *event->sigev_notify_attributes;
      r->has_attr = 1;
    }
  }
  struct bh_pair res = bh_as_default(timer_as_default, r);
  if (res.a)
    return errno = (int)-res.a, -1;
  *id = (timer_t)res.b;
  return 0;
}
