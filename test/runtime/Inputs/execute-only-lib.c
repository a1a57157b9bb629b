int xo_triple(int x) { return x * 3; }
