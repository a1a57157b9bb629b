/*
 * supervisor-rights.c - whether a process could change a file's bytes
 * (docs/hardening.md, "Executable file mappings"). Two users are left:
 * piece 6's rule for a registered object's code (supervisor-code.c),
 * whose pages are copies that a truncation from outside the supervisor
 * would drop, and the start-up copies (supervisor-own.c), which copy
 * only the files the process could change. New executable file mappings
 * no longer ask: every one is a sealed copy (supervisor-exec.c; review
 * 18 showed rights kept elsewhere, in a fork or a held descriptor).
 */
#define _GNU_SOURCE
#include "syscalls.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#define F_SEAL_WRITE 0x0008
#endif

/* Whether gid is among the caller's groups (its status's Groups line). */
static int in_groups(const char *status, unsigned long gid) {
  const char *g = strstr(status, "\nGroups:");
  if (!g)
    return 1; /* unknown: the stricter answer */
  for (char *e, *s = (char *)g + 8; *s && *s != '\n'; s = e) {
    unsigned long v = strtoul(s, &e, 10);
    if (e == s)
      break;
    if (v == gid)
      return 1;
  }
  return 0;
}

static const char every_file[] =
    "its caller holds capabilities, or root's id, and so may come to write "
    "every file";

/* Why the thread whose /proc/<tid>/status is status could change the
 * file: NULL if it cannot. */
static const char *thread_may_change(const char *status, const struct stat *st) {
  /* Rights the thread can take back count as its own: each of its user
   * and group ids (setresuid, setresgid), and root's id brings every
   * capability back. Any capability it holds or may raise counts as
   * every file: CAP_SETUID becomes the owner, CAP_CHOWN takes the file,
   * CAP_SETGID joins its group. */
  const char *cap = strstr(status, "\nCapEff:"), *prm = strstr(status, "\nCapPrm:");
  unsigned long long eff = cap ? strtoull(cap + 8, NULL, 16) : ~0ull,
                     per = prm ? strtoull(prm + 8, NULL, 16) : ~0ull;
  if (eff | per)
    return every_file;
  const char *uid = strstr(status, "\nUid:"), *gid = strstr(status, "\nGid:");
  unsigned long u[4], g[4];
  if (!uid || sscanf(uid + 5, "%lu %lu %lu %lu", &u[0], &u[1], &u[2], &u[3]) != 4 ||
      !gid || sscanf(gid + 5, "%lu %lu %lu %lu", &g[0], &g[1], &g[2], &g[3]) != 4)
    return "its caller's credentials cannot be read";
  int owner = 0, group = in_groups(status, st->st_gid);
  for (int i = 0; i < 4; i++) {
    if (!u[i])
      return every_file;
    owner |= st->st_uid == u[i];
    group |= st->st_gid == g[i];
  }
  if (owner)
    return "the process owns it, and may make it writable";
  if (st->st_mode & S_IWOTH)
    return "anyone may write it";
  if (st->st_mode & S_IWGRP && group)
    return "its group, one of the process's, may write it";
  return NULL;
}

const char *bh_file_changeable(int fd, const struct stat *st, pid_t tid) {
  int seals = fcntl(fd, F_GET_SEALS);
  if (seals >= 0 && seals & F_SEAL_WRITE)
    return NULL; /* a sealed memfd: nobody writes it */
  if (!S_ISREG(st->st_mode))
    return "it is not a regular file";
  /* A read-only mount is no answer: the same file may be writable through
   * another mount of it (review 5). Every thread's rights count: a
   * sibling that stayed root writes the file (review 6). */
  char path[64], status[16384];
  pid_t tgid = bh_task_tgid(tid);
  snprintf(path, sizeof path, "/proc/%d/task", (int)tgid);
  DIR *d = tgid > 0 ? opendir(path) : NULL;
  if (!d)
    return "its threads' credentials cannot be read";
  const char *why = NULL;
  int seen = 0;
  for (struct dirent *e; !why && (e = readdir(d));) {
    pid_t t = (pid_t)atoi(e->d_name);
    if (t <= 0)
      continue;
    /* A thread that ended meanwhile has no rights left. */
    if (bh_read_status(t, status, sizeof status))
      continue;
    seen++;
    why = thread_may_change(status, st);
  }
  closedir(d);
  if (!why && !seen)
    why = "its threads' credentials cannot be read";
  if (!why && st->st_mode & S_IWGRP &&
      fgetxattr(fd, "system.posix_acl_access", NULL, 0) >= 0)
    why = "an access control list may let the process write it";
  /* Piece 6 keeps its old answer for a caller that may write every file:
   * it could refuse no object's code otherwise (supervisor-code.c); the
   * start-up copies ask could_become for those (supervisor-own.c). */
  return why == every_file ? NULL : why;
}
