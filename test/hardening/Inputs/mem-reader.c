/* mem-reader.c - the program an attack has the kernel start outside the
 * filter (a core_pattern pipe helper): it reads another process's memory
 * through /proc/PID/mem.
 *
 * mem-reader PID ADDR OUT: 31 bytes of PID's memory at ADDR (hex) into
 * the file OUT. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4)
    return 2;
  char path[64], buf[32] = {0};
  snprintf(path, sizeof path, "/proc/%s/mem", argv[1]);
  int mem = open(path, O_RDONLY);
  long got = mem < 0 ? -1
                     : (long)pread(mem, buf, 31,
                                   (off_t)strtoull(argv[2], NULL, 16));
  if (got <= 0)
    perror("mem-reader: /proc/PID/mem");
  int out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out >= 0 && got > 0 && write(out, buf, (size_t)got) < 0)
    return 1;
  return 0;
}
