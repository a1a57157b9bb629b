/* sqlite-app.c - an ordinary SQLite application, used as is against the
 * amalgamation sqlite3.c compiled with -fpkey-compartment=sqlite. It
 * includes sqlite3.h and is compiled WITHOUT -fpkey-compartment.
 *
 * It checks that SQLite works through its gates (open, prepare, bind the
 * application's text, step, read numbers back), and that SQLite's memory is
 * closed to the application: the connection and a text result, both on
 * SQLite's compartment heap, and two of SQLite's globals, sqlite3_version
 * and sqlite3_temp_directory (which sqlite3.h invites applications to set).
 * Each read is tried in a forked child (check.h): it must die of
 * SEGV_PKUERR on SQLite's key. The variadic functions (sqlite3_config,
 * sqlite3_mprintf, ...) are not used: they have no gate.
 *
 * Exit status: 0 SQLite worked and its memory was unreadable; 3 some of it
 * was readable (a build without the compartment); 1 a check failed. */
#include "check.h" /* test/runtime/Inputs */
#include <sqlite3.h>

static int sqlite_pkey = -1;
static int readable;

static void read_byte(void *p) { (void)*(volatile unsigned char *)p; }

static void probe(const char *what, const void *p) {
  struct outcome o = run_in_child(read_byte, (void *)p);
  if (o.signo == 0) {
    printf("%s: READABLE from the application\n", what);
    readable++;
    return;
  }
  CHECK(o.signo == SIGSEGV && o.code == SEGV_PKUERR && o.addr == (uintptr_t)p);
  CHECK(o.pkey == sqlite_pkey && page_pkey(p) == sqlite_pkey);
  printf("%s: unreadable (SEGV_PKUERR, pkey %d)\n", what, o.pkey);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  CHECK(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && st);
  return st;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* a fault loses no line already printed */
#ifdef __BULKHEAD__
  sqlite_pkey = bulkhead_compartment_pkey("sqlite");
#endif
  int v = sqlite3_libversion_number();
  if (sqlite_pkey > 0)
    printf("SQLite %d.%d.%d in compartment 'sqlite' (pkey %d)\n", v / 1000000, v / 1000 % 1000,
           v % 1000, sqlite_pkey);
  else
    printf("SQLite %d.%d.%d built WITHOUT -fpkey-compartment=sqlite\n", v / 1000000,
           v / 1000 % 1000, v % 1000);

  sqlite3 *db = NULL;
  CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "create table kv(k text primary key, v integer)", NULL, NULL, NULL) ==
        SQLITE_OK);
  sqlite3_stmt *ins = prepare(db, "insert into kv values (?1, ?2)");
  char key[32]; /* the application's buffer, read by SQLite */
  for (int i = 0; i < 1000; i++) {
    snprintf(key, sizeof key, "key-%04d", i);
    CHECK(sqlite3_bind_text(ins, 1, key, -1, SQLITE_TRANSIENT) == SQLITE_OK);
    CHECK(sqlite3_bind_int(ins, 2, i * 3) == SQLITE_OK);
    CHECK(sqlite3_step(ins) == SQLITE_DONE && sqlite3_reset(ins) == SQLITE_OK);
  }
  CHECK(sqlite3_finalize(ins) == SQLITE_OK);
  sqlite3_stmt *sum = prepare(db, "select count(*), sum(v), max(k) from kv where k like 'key-09%'");
  CHECK(sqlite3_step(sum) == SQLITE_ROW);
  CHECK(sqlite3_column_int(sum, 0) == 100 && sqlite3_column_int64(sum, 1) == 284850);
  CHECK(sqlite3_column_bytes(sum, 2) == 8);
  printf("open, insert 1000 rows, select: count 100, sum 284850, max(k) of 8 bytes\n");
  probe("text result of sqlite3_column_text (SQLite's heap)", sqlite3_column_text(sum, 2));
  CHECK(sqlite3_finalize(sum) == SQLITE_OK);

  probe("connection (sqlite3 *, SQLite's heap)", db);
  CHECK(sqlite3_close(db) == SQLITE_OK);
  probe("SQLite global sqlite3_version", sqlite3_version);
  probe("SQLite global sqlite3_temp_directory", &sqlite3_temp_directory);
  if (readable) {
    printf("result: %d of SQLite's objects were READABLE by the application\n", readable);
    return 3;
  }
  printf("result: SQLite worked through its gates and its memory was unreadable; "
         "isolation held\n");
  return 0;
}
