/* parser.h - the untrusted request parser (default domain). */
#ifndef PARSER_H
#define PARSER_H

#include <stddef.h>

/* Handles one request line and writes a one-line response into out:
 *   sign <message>             -> sig <64 hex digits>
 *   verify <64 hex> <message>  -> verify ok | verify FAILED
 *   echo <offset> <count>      -> echo <hex> |<printable>|  (debug aid)
 * Anything else gets "error: ...". */
void parser_handle(const char *request, char *out, size_t outsz);

/* Demo only: where the parser keeps the request it is working on. */
const char *parser_request_buffer(void);

#endif
