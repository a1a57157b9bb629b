// attacks-rev76b-weak-type-zero.test: a plain library (no compartment),
// loaded with dlopen before the vault, that defines Big's type_info (Big's
// key function is here).
struct Big {
  virtual void anchor();
  long tag, more[3];
};
void Big::anchor() {}
