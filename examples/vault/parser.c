/* parser.c - a tiny request parser, the untrusted part of the program. It has
 * no annotations, so it runs in the default domain: it can call the vault's
 * entries but cannot read the vault's data.
 *
 * It contains a deliberate memory-disclosure bug, in the debug command
 * "echo <offset> <count>": see do_echo. */
#include "parser.h"
#include "vault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ECHO 64

/* The request being handled. A global, like many parsers' line buffers; the
 * distance from it to any other global is fixed when the program is linked. */
static char request_buf[256];

const char *parser_request_buffer(void) { return request_buf; }

static void to_hex(const unsigned char *p, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = 0;
}

static int from_hex(const char *s, unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    if (sscanf(s + 2 * i, "%2x", &v) != 1)
      return -1;
    p[i] = (unsigned char)v;
  }
  return 0;
}

static void do_sign(const char *msg, char *out, size_t outsz) {
  unsigned char sig[VAULT_SIG_LEN];
  char hex[2 * VAULT_SIG_LEN + 1];
  if (vault_sign(msg, strlen(msg), sig)) {
    snprintf(out, outsz, "error: the vault refused to sign");
    return;
  }
  to_hex(sig, sizeof sig, hex);
  snprintf(out, outsz, "sig %s", hex);
}

static void do_verify(const char *args, char *out, size_t outsz) {
  unsigned char sig[VAULT_SIG_LEN];
  if (strlen(args) < 2 * VAULT_SIG_LEN + 1 || args[2 * VAULT_SIG_LEN] != ' ' ||
      from_hex(args, sig, sizeof sig)) {
    snprintf(out, outsz, "error: verify wants <64 hex digits> <message>");
    return;
  }
  const char *msg = args + 2 * VAULT_SIG_LEN + 1;
  snprintf(out, outsz, "verify %s", vault_verify(msg, strlen(msg), sig) ? "ok" : "FAILED");
}

/* Debug aid: show `count` bytes of the request buffer from `offset`, to see
 * what the parser received.
 *
 * THE BUG: count is capped so the answer fits, but offset is never checked
 * against the request's length, and it is signed. Whoever sends the request
 * picks any address at a fixed distance from request_buf, and the bytes
 * there come back in the response: a classic out-of-bounds read (compare
 * Heartbleed's unchecked length). */
static void do_echo(const char *args, char *out, size_t outsz) {
  long long offset;
  int count;
  if (sscanf(args, "%lld %d", &offset, &count) != 2 || count < 0 || count > MAX_ECHO) {
    snprintf(out, outsz, "error: echo wants <offset> <count <= %d>", MAX_ECHO);
    return;
  }
  unsigned char copy[MAX_ECHO];
  memcpy(copy, request_buf + offset, (size_t)count); /* out of bounds */

  char hex[2 * MAX_ECHO + 1], text[MAX_ECHO + 1];
  to_hex(copy, (size_t)count, hex);
  for (int i = 0; i < count; i++)
    text[i] = copy[i] >= 0x20 && copy[i] < 0x7f ? (char)copy[i] : '.';
  text[count] = 0;
  snprintf(out, outsz, "echo %s |%s|", hex, text);
}

void parser_handle(const char *request, char *out, size_t outsz) {
  snprintf(request_buf, sizeof request_buf, "%s", request);
  if (!strncmp(request_buf, "sign ", 5))
    do_sign(request_buf + 5, out, outsz);
  else if (!strncmp(request_buf, "verify ", 7))
    do_verify(request_buf + 7, out, outsz);
  else if (!strncmp(request_buf, "echo ", 5))
    do_echo(request_buf + 5, out, outsz);
  else
    snprintf(out, outsz, "error: unknown request");
}
