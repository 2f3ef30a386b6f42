/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's terminal.  The pty comes from the container's own devpts
 * instance (opened after pivot_root), the slave is bind-mounted on
 * /dev/console and becomes stdio and the controlling terminal, and the
 * master goes to --console-socket over SCM_RIGHTS exactly as runc sends it
 * (payload: the file name), or to `run`'s own stdio proxy.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <termios.h>
#include <linux/mount.h>
#include <guardrun/container.h>
#include <guardrun/util.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

int
gr_unix_connect (const char *path, const char *what, gr_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int dfd = -1;
  if (strlen (path) >= sizeof addr.sun_path)
    {
      /* a long path: reach it through its directory's fd */
      cleanup_free char *dir = gr_xstrdup (path);
      char *slash = strrchr (dir, '/');
      if (slash == NULL)
        return gr_error_set (err, ENAMETOOLONG, "%s `%s`", what, path);
      *slash = '\0';
      dfd = open (*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (dfd < 0)
        return gr_error_set (err, errno, "%s `%s`", what, path);
      snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s",
                dfd, slash + 1);
    }
  else
    memcpy (addr.sun_path, path, strlen (path) + 1);
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return gr_error_set (err, errno, "socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return gr_error_set (err, errno, "connect to %s `%s`", what, path);
  return gr_steal_fd (fd);
}

int
gr_console_connect (const char *path, gr_error **err)
{
  return gr_unix_connect (path, "--console-socket", err);
}

int
gr_send_fd (int sock, int fd, const void *data, size_t len, gr_error **err)
{
  union { char buf[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } u;
  struct iovec iov = { .iov_base = (void *) data, .iov_len = len };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  memset (u.buf, 0, sizeof u.buf);
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &fd, sizeof (int));
  while (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return gr_error_set (err, errno, "send a file descriptor");
  return 0;
}

int
gr_console_send_fd (int sock, int fd, gr_error **err)
{
  /* runc sends the pty's name with it; recvtty and the engines read it */
  static const char name[] = "/dev/ptmx";
  if (gr_send_fd (sock, fd, name, sizeof name - 1, err) < 0)
    return gr_error_wrap (err, "send the terminal to the console socket");
  return 0;
}

int
gr_console_recv_fd (int sock, gr_error **err)
{
  char data[256];
  union { char buf[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } u;
  struct iovec iov = { .iov_base = data, .iov_len = sizeof data };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  ssize_t n;
  while ((n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR)
      return gr_error_set (err, errno, "receive the terminal");
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  if (n == 0 || c == NULL || c->cmsg_type != SCM_RIGHTS)
    return gr_error_set (err, 0, "receive the terminal: no fd in the message");
  int fd;
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  return fd;
}

/* bind the slave on /dev/console without going through /proc */
static int
mount_console (int slave, gr_error **err)
{
  cleanup_close int f = open ("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW
                                                   | O_CLOEXEC | O_NOCTTY,
                              0600);
  if (f < 0 && errno != EEXIST && errno != ENXIO && errno != EIO)
    return gr_error_set (err, errno, "create /dev/console");
  cleanup_close int tree = (int) syscall (SYS_open_tree, slave, "",
                                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC
                                              | AT_EMPTY_PATH);
  if (tree >= 0
      && syscall (SYS_move_mount, tree, "", AT_FDCWD, "/dev/console",
                  MOVE_MOUNT_F_EMPTY_PATH) == 0)
    return 0;
  char src[64];
  snprintf (src, sizeof src, "/proc/self/fd/%d", slave);
  if (mount (src, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return gr_error_set (err, errno, "bind mount the terminal on /dev/console");
  return 0;
}

int
gr_console_setup (const gr_process *p, int sock, gr_error **err)
{
  cleanup_close int master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return gr_error_set (err, errno, "open /dev/ptmx in the container");
  int unlock = 0;
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return gr_error_set (err, errno, "unlockpt");
  /* the peer ioctl: no path lookup in /dev/pts that could be raced */
  cleanup_close int slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY
                                                            | O_CLOEXEC);
  if (slave < 0)
    return gr_error_set (err, errno, "open the terminal's slave");
  if (p->has_console_size)
    {
      struct winsize ws = { .ws_row = (unsigned short) p->console_height,
                            .ws_col = (unsigned short) p->console_width };
      if (ioctl (master, TIOCSWINSZ, &ws) < 0)
        return gr_error_set (err, errno, "set the console size");
    }
  if (mount_console (slave, err) < 0)
    return -1;
  if (gr_console_send_fd (sock, master, err) < 0)
    return -1;
  if (setsid () < 0 || ioctl (slave, TIOCSCTTY, 0) < 0)
    return gr_error_set (err, errno, "make the terminal the controlling one");
  for (int i = 0; i < 3; i++)
    if (dup2 (slave, i) < 0)
      return gr_error_set (err, errno, "dup2 the terminal");
  return 0;
}

/* ------------------------------------------------------------ proxy */
static struct {
  int master;
  bool stdin_open, raw;
  struct termios saved;
} px = { .master = -1 };

void
gr_console_resize (int master)
{
  struct winsize ws;
  if (ioctl (0, TIOCGWINSZ, &ws) == 0)
    (void) ioctl (master, TIOCSWINSZ, &ws);
}

int
gr_console_proxy_start (int master, gr_error **err)
{
  px.master = master;
  px.stdin_open = true;
  if (isatty (0) && tcgetattr (0, &px.saved) == 0)
    {
      struct termios raw = px.saved;
      cfmakeraw (&raw);
      raw.c_oflag = px.saved.c_oflag; /* keep \n -> \r\n on output */
      if (tcsetattr (0, TCSANOW, &raw) == 0)
        px.raw = true;
      gr_console_resize (master);
    }
  return 0;
}

void
gr_console_proxy_stop (void)
{
  if (px.raw)
    tcsetattr (0, TCSANOW, &px.saved);
  px.raw = false;
  if (px.master >= 0)
    close (px.master);
  px.master = -1;
}

int
gr_console_proxy_fds (int *fds, int max)
{
  int n = 0;
  if (px.master < 0 || max < 2)
    return 0;
  fds[n++] = px.master;
  if (px.stdin_open)
    fds[n++] = 0;
  return n;
}

void
gr_console_proxy_step (int fd)
{
  char buf[8192];
  ssize_t r = read (fd, buf, sizeof buf);
  if (r <= 0 && errno == EINTR)
    return;
  if (fd == 0)
    {
      if (r <= 0)
        px.stdin_open = false;
      else
        (void) gr_write_all (px.master, buf, (size_t) r);
      return;
    }
  if (r <= 0)
    {
      /* EIO: every slave is closed, the container is gone */
      close (px.master);
      px.master = -1;
      return;
    }
  (void) gr_write_all (1, buf, (size_t) r);
}
