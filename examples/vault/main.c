/* main.c - the vault demo: a client signs and verifies a message through the
 * parser, then an attacker uses the parser's "echo" bug to read the key.
 *
 * Built with `bulkhead-clang -fpkey-compartments`, the key sits on pages
 * tagged with the vault's protection key, and the read faults: SIGSEGV with
 * si_code SEGV_PKUERR and si_pkey = the vault's key. Built with plain clang
 * (same sources), nothing stops the read and the key is printed.
 *
 * The request that triggers the bug is served in a forked worker, as a
 * server would, so the main process can report how the worker ended.
 *
 * Exit status: 0 isolation held (worker died of the pkey fault, nothing
 * disclosed); 3 the key leaked; 1 anything else went wrong. */
#define _GNU_SOURCE
#include "parser.h"
#include "vault.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4 /* older headers lack it */
#endif

enum { HELD = 0, FAILED = 1, LEAKED = 3 };

static int vault_pkey = -1; /* read before the fault, not in the handler */

static void say(const char *s) {
  if (write(1, s, strlen(s)) < 0)
    _exit(FAILED);
}

static void say_num(long v) {
  char buf[24], *p = buf + sizeof buf;
  int neg = v < 0;
  unsigned long u = neg ? -(unsigned long)v : (unsigned long)v;
  *--p = 0;
  do
    *--p = (char)('0' + u % 10);
  while (u /= 10);
  if (neg)
    *--p = '-';
  say(p);
}

/* Runs in the worker when the bug's read faults. Only write(2) and _exit, as
 * a signal handler should. On the expected fault it dies of SIGSEGV again
 * (default action), so the parent sees a worker killed by SIGSEGV. */
static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  int is_pkey_fault = si->si_code == SEGV_PKUERR;
  say("caught SIGSEGV: si_code=");
  if (is_pkey_fault)
    say("SEGV_PKUERR (4)");
  else
    say_num(si->si_code);
  say(" si_pkey=");
  say_num(is_pkey_fault ? (long)si->si_pkey : -1);
  say(" (vault's key is ");
  say_num(vault_pkey);
  say(")\n");
  if (!is_pkey_fault || (int)si->si_pkey != vault_pkey) {
    say("that is not the vault's protection stopping the read\n");
    _exit(FAILED);
  }
  signal(sig, SIG_DFL);
  raise(sig); /* blocked until we return; then the process dies of it */
}

static void request(const char *req, char *resp, size_t respsz) {
  parser_handle(req, resp, respsz);
  printf("> %s\n< %s\n", req, resp);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* keep order with the handler's write(2) */
  char req[256], resp[256];

#ifdef __BULKHEAD__
  vault_pkey = bulkhead_compartment_pkey("vault");
  if (bulkhead_unprotected())
    printf("WARNING: running without protection keys (BULKHEAD_ALLOW_UNPROTECTED=1): "
           "nothing will stop the leak\n");
  printf("built with -fpkey-compartments: vault compartment has pkey %d\n", vault_pkey);
#else
  printf("built WITHOUT -fpkey-compartments: no compartments, nothing isolates the key\n");
#endif

  /* 1. The legitimate client: sign, verify, and check that a change is caught. */
  static const char msg[] = "pay 10 EUR to alice";
  snprintf(req, sizeof req, "sign %s", msg);
  request(req, resp, sizeof resp);
  if (strncmp(resp, "sig ", 4))
    return FAILED;
  char sig_hex[2 * VAULT_SIG_LEN + 1];
  snprintf(sig_hex, sizeof sig_hex, "%s", resp + 4);

  snprintf(req, sizeof req, "verify %s %s", sig_hex, msg);
  request(req, resp, sizeof resp);
  if (strcmp(resp, "verify ok"))
    return FAILED;
  snprintf(req, sizeof req, "verify %s pay 99 EUR to alice", sig_hex);
  request(req, resp, sizeof resp);
  if (strcmp(resp, "verify FAILED"))
    return FAILED;

  /* 2. The attacker. The offset from the parser's buffer to the key is fixed
   * once the program is linked (both are globals of one executable; ASLR
   * moves them together), so a real attacker reads it off a copy of the
   * binary. To stay independent of the linker's layout, the demo asks two
   * default-domain helpers for the addresses instead; neither reads the key. */
  long long offset = (long long)((uintptr_t)vault_key_address() -
                                 (uintptr_t)parser_request_buffer());
  snprintf(req, sizeof req, "echo %lld %d", offset, VAULT_KEY_LEN);
  printf("attacker: sending \"%s\" (offset = key - request buffer)\n", req);

  fflush(NULL); /* nothing buffered may be printed twice */
  pid_t pid = fork();
  if (pid < 0)
    return FAILED;
  if (pid == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    request(req, resp, sizeof resp); /* the worker serves the request */
    _exit(LEAKED);                   /* it got an answer: the key is out */
  }
  int status;
  if (waitpid(pid, &status, 0) != pid)
    return FAILED;
  if (WIFEXITED(status) && WEXITSTATUS(status) == LEAKED) {
    printf("result: the vault key LEAKED through the echo bug\n");
    return LEAKED;
  }
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV) {
    printf("result: the worker ended unexpectedly (status %#x)\n", status);
    return FAILED;
  }
  printf("result: the worker died of SIGSEGV before answering; isolation held, "
         "the key never left the vault\n");

  /* 3. The vault is untouched and still serves the legitimate client. */
  snprintf(req, sizeof req, "verify %s %s", sig_hex, msg);
  request(req, resp, sizeof resp);
  return strcmp(resp, "verify ok") ? FAILED : HELD;
}
