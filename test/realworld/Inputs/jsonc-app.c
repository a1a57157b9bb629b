/* jsonc-app.c - an ordinary json-c application, used as is against json-c
 * built with -fpkey-compartment=jsonc. It includes json-c's own headers and
 * is compiled WITHOUT -fpkey-compartment.
 *
 * It checks that json-c works through its gates (parse, look up, build,
 * serialize into a file the application reads back), and that json-c's
 * memory is closed to the application: a parsed object and a serialized
 * string, both on json-c's compartment heap, and json-c's global
 * json_hex_chars. Each read is tried in a forked child (check.h): it must
 * die of SEGV_PKUERR on json-c's key.
 *
 * Exit status: 0 json-c worked and its memory was unreadable; 3 some of it
 * was readable (a build without the compartment); 1 a check failed. */
#include "check.h" /* test/runtime/Inputs */
#include <json.h>

extern const char *json_hex_chars; /* json_object.c, not in json.h */

static int jsonc_pkey = -1;
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
  CHECK(o.pkey == jsonc_pkey && page_pkey(p) == jsonc_pkey);
  printf("%s: unreadable (SEGV_PKUERR, pkey %d)\n", what, o.pkey);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* a fault loses no line already printed */
#ifdef __BULKHEAD__
  jsonc_pkey = bulkhead_compartment_pkey("jsonc");
#endif
  if (jsonc_pkey > 0)
    printf("json-c %s in compartment 'jsonc' (pkey %d)\n", JSON_C_VERSION, jsonc_pkey);
  else
    printf("json-c %s built WITHOUT -fpkey-compartment=jsonc\n", JSON_C_VERSION);

  /* The text is the application's; the objects parsed from it are json-c's. */
  const char text[] = "{\"name\": \"gate\", \"keys\": [1, 2, 3], \"ratio\": 0.5}";
  struct json_object *obj = json_tokener_parse(text), *keys, *name;
  CHECK(obj && json_object_is_type(obj, json_type_object));
  CHECK(json_object_object_get_ex(obj, "keys", &keys) && json_object_array_length(keys) == 3);
  CHECK(json_object_get_int(json_object_array_get_idx(keys, 2)) == 3);
  CHECK(json_object_get_double(json_object_object_get(obj, "ratio")) == 0.5);
  CHECK(json_object_object_get_ex(obj, "name", &name) && json_object_get_string_len(name) == 4);
  json_object_object_add(obj, "count", json_object_new_int64(1234567890123LL));
  json_object_array_add(keys, json_object_new_string("four"));
  CHECK(json_object_array_length(keys) == 4);
  printf("parse, get, add: ok\n");

  /* Serialized by json-c into its own buffer; the application gets it out
   * through a file descriptor. */
  const char *ser = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
  CHECK(ser != NULL);
  FILE *f = tmpfile();
  CHECK(f && json_object_to_fd(fileno(f), obj, JSON_C_TO_STRING_PLAIN) == 0);
  char back[256] = {0};
  rewind(f);
  CHECK(fread(back, 1, sizeof back - 1, f) > 0);
  fclose(f);
  const char want[] = "{\"name\":\"gate\",\"keys\":[1,2,3,\"four\"],\"ratio\":0.5,"
                      "\"count\":1234567890123}";
  CHECK(strcmp(back, want) == 0);
  printf("json_object_to_fd: %s\n", back);

  probe("parsed object (json-c's heap)", obj);
  probe("serialized string (json-c's heap)", ser);
  probe("json-c global json_hex_chars", &json_hex_chars);
  CHECK(json_object_put(obj) == 1);
  if (readable) {
    printf("result: %d of json-c's objects were READABLE by the application\n", readable);
    return 3;
  }
  printf("result: json-c worked through its gates and its memory was unreadable; "
         "isolation held\n");
  return 0;
}
