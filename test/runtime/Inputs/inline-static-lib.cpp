// A library built with -fpkey-compartment=lib whose state is a C++
// function-local static of an inline function and a template's static
// member: comdat variables (whole-library-statics.cpp).
inline int &counter() {
  static int c = 0x5ec;
  return c;
}
template <class T> struct Box { static T value; };
template <class T> T Box<T>::value = T(0x7ab);

int lib_bump() { return ++counter() + 0 * Box<int>::value; }
int *lib_counter_address() { return &counter(); }
int *lib_box_address() { return &Box<int>::value; }
