// jsoncpp-app.cpp [what] - JsonCpp's error path across the gate: asInt() of
// an object makes JsonCpp, a compartment, throw Json::LogicError, which
// this program (the default domain) catches by its type. Exit 0 when it
// was caught. With "what", the handler then reads the message: e.what()
// points into the std::string the exception holds, which JsonCpp built
// in its own heap (docs/real-projects.md).
#include <json/json.h>

#include <cstdio>
#include <cstring>

int main(int argc, char **argv) {
  Json::Value object(Json::objectValue);
  try {
    std::printf("asInt of an object: %d\n", object.asInt());
  } catch (const Json::LogicError &e) {
    std::puts("caught Json::LogicError");
    std::fflush(stdout);
    if (argc > 1) {
      const char *what = e.what();
      std::printf("what(): %zu bytes: %s\n", std::strlen(what), what);
    }
    return 0;
  }
  return 1;
}
