int rev41_plain(void) { return 1; }
