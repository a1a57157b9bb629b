/* pass-fd.h - a descriptor handed over a Unix socket (SCM_RIGHTS): the
 * launchers of the queued-descriptor attacks queue one on a socket the
 * program inherits, and the program takes it after main. */
#ifndef PASS_FD_H
#define PASS_FD_H
#include <string.h>
#include <sys/socket.h>

/* Queues FD on socket S with one byte of data; 0, or -1. */
static int send_fd(int s, int fd) {
  char data = 'x';
  struct iovec io = {&data, 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr m = {0};
  m.msg_iov = &io, m.msg_iovlen = 1;
  m.msg_control = u.buf, m.msg_controllen = sizeof u.buf;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return sendmsg(s, &m, 0) == 1 ? 0 : -1;
}

/* The descriptor queued on socket S; -1 if none. */
static int receive_fd(int s) {
  char data;
  struct iovec io = {&data, 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr m = {0};
  m.msg_iov = &io, m.msg_iovlen = 1;
  m.msg_control = u.buf, m.msg_controllen = sizeof u.buf;
  if (recvmsg(s, &m, 0) != 1)
    return -1;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  int fd = -1;
  if (c && c->cmsg_type == SCM_RIGHTS)
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}
#endif
