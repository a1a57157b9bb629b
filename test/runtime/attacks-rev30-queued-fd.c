// Review 30, attacker model B (the default domain's program counter, any
// system call the filter allows), with a descriptor the program holds at
// start-up but cannot see: review 29's launcher (root, then the program as
// nobody), which this time does not leave the library's writable
// descriptor in the program's table but in a message queued on a socket
// it hands over (fd 9: a socketpair's end, the descriptor sent with
// SCM_RIGHTS and then closed by the launcher). supervisor-own.c's
// writes_through_descriptor walks /proc/self/fd only, so at both passes
// (.preinit_array and the filter's installation) it sees a socket and no
// writable descriptor on the library; nobody cannot change the root-owned
// file by its ids, so its pages stay the page cache's. After main,
// recvmsg (allowed) takes the descriptor out of the queue, and a write
// through it is code no scan saw. The same would hold for other sources
// of descriptors the process can reach after start-up (not tried here): a
// socket to a helper that hands descriptors out, or a process of the same
// user holding one, which pidfd_getfd (not in the filter's list) may take
// it from where Yama allows the ptrace access it needs.
//
// Here main receives the descriptor from fd 9, pwrite()s WRPKRU; RET over
// the library's function through it, at the file offset /proc/self/maps
// gives, and calls it with eax = ecx = edx = 0: every key opens and the
// vault's secret reads (ATTACK SUCCEEDED). The control (the same launch,
// no write) calls the function as built (7).
//
// Seen in the guest (launched by root as nobody): ATTACK SUCCEEDED;
// control: library says 7.
//
// Fixed: a process that holds a Unix socket at either pass of the
// start-up copies has every start-up object copied (runtime/
// supervisor-own.c holds_unix_socket), whatever its ids. Not tried: a
// descriptor taken from another process with pidfd_getfd (the filter lets
// it through; it needs ptrace access to a process that holds one).
// REQUIRES: pku
// RUN: rm -rf %t && mkdir -p %t
// RUN: %clang -O1 -shared -fPIC %S/Inputs/rev29-startup-lib.c -o %t/libstart.so
// RUN: %clang -DLAUNCHER -O1 %s -o %t/launch -L%t -Wl,--no-as-needed -lstart -l:libmimalloc.so.2 -l:libgcc_s.so.1 -Wl,-rpath,%t
// RUN: %bulkhead_clang -fpkey-compartments -O1 %s -L%t -Wl,--no-as-needed -lstart -Wl,-rpath,%t -o %t/prog
// RUN: env BULKHEAD_VERBOSE=1 BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/libstart.so %t/prog control > %t/control.out 2>&1
// RUN: FileCheck --check-prefix=CONTROL %s < %t/control.out
// RUN: env BULKHEAD_VM_FILES=%t/prog %run %t/launch %t/libstart.so %t/prog attack > %t/out 2>&1; FileCheck %s < %t/out
// CONTROL: uid 65534
// CONTROL: library says 7
// CONTROL: start-up object {{.*}}libstart.so: the process holds a Unix socket, on which a descriptor open for writing on it may wait
// CONTROL-NOT: ATTACK SUCCEEDED
// CHECK: uid 65534
// CHECK: received a descriptor: 1, written through it: 4
// CHECK-NOT: ATTACK SUCCEEDED
// CHECK: bulkhead: protection-key fault: access to 0x{{[0-9a-f]+}} in compartment 'vault'
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "Inputs/pass-fd.h"

#ifdef LAUNCHER
/* launch LIB PROG ARGS...: LIB open for writing, queued on the socket
 * that becomes fd 9 and closed; then PROG as nobody. */
int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  int sv[2], fd = open(argv[1], O_RDWR);
  if (fd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
      send_fd(sv[0], fd) || close(fd) || dup2(sv[1], 9) != 9 ||
      setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
      setresuid(65534, 65534, 65534)) {
    perror("launch");
    return 2;
  }
  execv(argv[2], argv + 2);
  perror("execv");
  return 2;
}
#else
#include <bulkhead.h>
#include "Inputs/backing-file.h"
#include "Inputs/steal-secret.h"

BULKHEAD_DATA(vault) static char secret[32] = "TOP-SECRET-VAULT-KEY";
BULKHEAD_ENTRY(vault) int vault_len(void) { return (int)strlen(secret); }

extern int (*volatile rev29_lib_code)(int);

int main(int argc, char **argv) {
  int attack = argc > 1 && !strcmp(argv[1], "attack");
  printf("uid %d\nvault says %d\n", (int)getuid(), vault_len());
  void *code = (void *)rev29_lib_code;
  if (!attack) {
    printf("library says %d\n", rev29_lib_code(2));
    return 0;
  }
  int fd = receive_fd(9);
  /* WRPKRU; RET, made at run time: the program holds no such bytes. */
  static volatile unsigned char op = 0xee;
  unsigned char bytes[4] = {0x0f, 0x01, (unsigned char)(op + 1), 0xc3};
  long long off = -1;
  backing((uintptr_t)code, NULL, 0, &off);
  printf("received a descriptor: %d, written through it: %ld\n", fd >= 0,
         fd < 0 || off < 0 ? -1L : (long)pwrite(fd, bytes, sizeof bytes, off));
  fflush(stdout);
  steal_secret(code, secret);
  return 0;
}
#endif
