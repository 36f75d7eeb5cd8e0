/*
 * wc-agent: PID 1 of every sandbox container (protocol v2). It reads one job on stdin, runs the
 * job's compile step (if any) and its run step as child processes, reports what the kernel saw, and
 * exits, which ends the container. The server reads everything through one attach stream.
 *
 * Job (stdin, then EOF): fields of "<decimal length>\n<bytes>": "wc2", nonce (hex, <= 64), output
 * limit, compile argc + argv (argc 0: no compile), run argc (>= 1) + argv, the program's stdin, file
 * count + (path under /work, octal mode, content) per file. Anything malformed: an E frame, exit 121.
 * A live job (an interactive run): "wc3", then the rest as above (with an empty stdin field) as one
 * more field. The agent reads exactly that many bytes, never one more: what follows on
 * its stdin is the program's, and the run step reads the agent's stdin itself (the compile step reads
 * /dev/null), until the server closes it.
 * Frames (stdout only): type byte, uint32 big-endian length, payload (<= 64 KiB):
 *   S nonce (job unpacked)  c compiler output (capped at the limit)  C compile report
 *   o/e the program's stdout/stderr  R run report  E agent failure (then exit 121)
 * Report: "<nonce> <exit|signal> <n> <wall_us> <user_us> <sys_us> <maxrss_kb> <oom_kills> <pids_hits>".
 * The agent exits with the step's code (128+signal when killed), after C when the compile failed.
 *
 * Why it is built this way: the program runs with the agent's uid, so nothing it can write is trusted.
 *  - PR_SET_DUMPABLE 0: the program cannot ptrace PID 1 or read /proc/1/{mem,fd,environ}; as PID 1
 *    of its pid namespace with no handler but SIGCHLD's, the agent ignores the program's signals.
 *  - The steps' stdout/stderr are pipes the agent reads and frames, and the agent's own stdout is
 *    reachable only by it: the program cannot forge a report or end the stream, whatever it prints.
 *  - Times and peak memory come from wait4()'s rusage, OOM kills and pids-limit hits from cgroup
 *    counters that the agent reads itself (the program cannot write /sys/fs/cgroup); without them
 *    (gVisor), a step whose processes filled RLIMIT_NPROC counts as one pids-limit hit.
 *  - A grandchild that keeps a pipe open cannot delay the report: once the step is reaped, the agent
 *    reads only what is already in the pipes. No pidfd (gVisor may lack it): SIGCHLD + a self-pipe.
 *  - Bounded memory: files and stdin are streamed to /tmp in 64 KiB pieces; argv is held up to a
 *    budget larger than execve accepts (past it the step fails as execve would, with E2BIG).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FIELD (64u << 20)
#define MAX_ARGC 256
#define MAX_FILES 1000
#define MAX_NONCE 64
#define MAX_PAYLOAD 65536
#define ARGV_BUDGET (8u << 20) /* execve takes at most 6 MiB of arguments */
#define AGENT_FAILED 121
#define WORK "/tmp/work"
#define STDIN_FILE "/tmp/.wc-stdin"

struct step { char **argv; long argc; bool too_long; };

static unsigned char frame[5 + MAX_PAYLOAD]; /* every frame is built here: header, then payload */
static unsigned char in[MAX_PAYLOAD];        /* the job's read buffer */
static size_t in_pos, in_len;
/* Bytes of the job not read yet: reads never go past them (a live job's stdin follows the job). */
static size_t job_left = 5; /* the magic field, "3\nwc2" or "3\nwc3"; then set from it */
static char nonce[MAX_NONCE + 1];
static int wake[2] = {-1, -1}; /* self-pipe: the SIGCHLD handler writes a byte */

static bool write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      struct pollfd pf = {fd, POLLOUT, 0};
      if (errno == EINTR || (errno == EAGAIN && poll(&pf, 1, -1) >= 0)) continue;
      return false;
    }
    p += w;
    n -= (size_t)w;
  }
  return true;
}

/* Sends the frame whose payload (len bytes) is already at frame + 5. */
static void send_frame(char type, size_t len) {
  frame[0] = (unsigned char)type;
  for (int i = 0; i < 4; i++) frame[1 + i] = (unsigned char)(len >> (24 - 8 * i));
  if (!write_all(1, frame, 5 + len)) {
    static const char msg[] = "wc-agent: cannot write to stdout\n";
    write_all(2, msg, sizeof msg - 1); /* the last resort: if this fails too, nobody can be told */
    _exit(AGENT_FAILED);
  }
}

static void send_text(char type, const char *fmt, va_list ap) {
  int n = vsnprintf((char *)frame + 5, MAX_PAYLOAD, fmt, ap);
  send_frame(type, n < 0 ? 0 : n >= MAX_PAYLOAD ? MAX_PAYLOAD - 1 : (size_t)n);
}

static void send_textf(char type, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  send_text(type, fmt, ap);
  va_end(ap);
}

/* An E frame, then exit 121. Exiting as PID 1 ends every process left in the container. */
static _Noreturn void fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  send_text('E', fmt, ap);
  va_end(ap);
  _exit(AGENT_FAILED);
}

static void xclose(int fd) {
  if (close(fd) < 0 && errno != EINTR) fail("cannot close fd %d: %s", fd, strerror(errno));
}

/* ---- reading the job ---- */

/* Bytes buffered from stdin, reading more when none are; 0 at EOF. */
static size_t rd_fill(void) {
  if (in_pos < in_len) return in_len - in_pos;
  if (job_left == 0) return 0;
  ssize_t n;
  do n = read(0, in, job_left < sizeof in ? job_left : sizeof in);
  while (n < 0 && errno == EINTR);
  if (n < 0) fail("bad job: cannot read stdin: %s", strerror(errno));
  in_pos = 0;
  in_len = (size_t)n;
  if (job_left != SIZE_MAX) job_left -= in_len;
  return in_len;
}

/* The next field's "<decimal length>\n". */
static size_t field_len(const char *what) {
  size_t len = 0;
  for (int digits = 0;; digits++) {
    if (rd_fill() == 0) fail("bad job: %s is missing", what);
    unsigned char c = in[in_pos++];
    if (c == '\n' && digits > 0) break;
    if (c < '0' || c > '9' || digits == 10) fail("bad job: bad length of %s", what);
    len = len * 10 + (c - '0');
  }
  if (len > MAX_FIELD) fail("bad job: %s is over 64 MiB", what);
  return len;
}

/* Takes len bytes of the current field: copied to dst, else written to fd, else (fd -1) dropped. */
static void read_into(char *dst, int fd, size_t len, const char *what) {
  while (len > 0) {
    size_t n = rd_fill();
    if (n == 0) fail("bad job: %s is cut short", what);
    if (n > len) n = len;
    if (dst) memcpy(dst, in + in_pos, n), dst += n;
    else if (fd >= 0 && !write_all(fd, in + in_pos, n)) fail("cannot write %.200s: %s", what, strerror(errno));
    in_pos += n;
    len -= n;
  }
}

/* A short field as a C string (cap counts the NUL). */
static size_t read_small(char *buf, size_t cap, const char *what) {
  size_t len = field_len(what);
  if (len >= cap) fail("bad job: %s is too long", what);
  read_into(buf, -1, len, what);
  buf[len] = '\0';
  return len;
}

static long read_number(const char *what, int base, long min, long max) {
  char buf[16];
  size_t len = read_small(buf, sizeof buf, what);
  long v = 0;
  for (size_t i = 0; i < len; i++) {
    if (buf[i] < '0' || buf[i] >= '0' + base) fail("bad job: %s is not a number", what);
    v = v * base + (buf[i] - '0');
  }
  if (len == 0 || v < min || v > max) fail("bad job: %s is out of range", what);
  return v;
}

static void read_argv(struct step *s, const char *what, long min) {
  s->argc = read_number(what, 10, min, MAX_ARGC);
  s->argv = calloc((size_t)s->argc + 1, sizeof *s->argv);
  if (!s->argv) fail("out of memory");
  size_t budget = ARGV_BUDGET;
  for (long i = 0; i < s->argc; i++) {
    size_t len = field_len("an argument");
    if (len >= budget) { /* execve would refuse it: keep nothing, fail like execve */
      s->too_long = true;
      read_into(NULL, -1, len, "an argument");
      s->argv[i] = "";
      continue;
    }
    budget -= len + 1;
    if (!(s->argv[i] = malloc(len + 1))) fail("out of memory");
    read_into(s->argv[i], -1, len, "an argument");
    s->argv[i][len] = '\0';
    if (strlen(s->argv[i]) != len) fail("bad job: an argument holds a NUL byte");
  }
}

/* Refuses an empty or absolute path, one with a ".." component or a NUL byte. */
static bool path_ok(const char *path, size_t len) {
  if (len == 0 || path[0] == '/' || strlen(path) != len) return false;
  for (const char *c = path; c; c = strchr(c, '/'), c = c ? c + 1 : NULL)
    if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0')) return false;
  return true;
}

static void read_files(int dir) {
  long count = read_number("the file count", 10, 0, MAX_FILES);
  for (long i = 0; i < count; i++) {
    char path[PATH_MAX];
    size_t len = field_len("a path");
    if (len >= sizeof path) fail("cannot write a file: its path is over %d bytes", PATH_MAX - 1);
    read_into(path, -1, len, "a path");
    path[len] = '\0';
    if (!path_ok(path, len)) fail("bad job: refused path \"%.200s\"", path);
    mode_t mode = (mode_t)read_number("a mode", 8, 0, 07777);
    for (char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
      *slash = '\0';
      if (mkdirat(dir, path, 0700) < 0 && errno != EEXIST) fail("cannot make %.200s: %s", path, strerror(errno));
      *slash = '/';
    }
    int fd = openat(dir, path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) fail("cannot write %.200s: %s", path, strerror(errno));
    read_into(NULL, fd, field_len("a file's content"), path);
    xclose(fd);
  }
}

/* ---- running a step ---- */

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  ssize_t r = write(wake[1], "", 1); /* a full pipe already wakes the loop */
  (void)r;
  errno = saved;
}

/* How much a cgroup counter ("key value" lines) says; 0 when neither file can be read. */
static long long counter(const char *v2, const char *v1, const char *key) {
  char buf[4096];
  int fd = open(v2, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fd = open(v1, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n;
  do n = read(fd, buf, sizeof buf - 1);
  while (n < 0 && errno == EINTR);
  xclose(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  size_t k = strlen(key);
  for (char *line = buf; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
    if (strncmp(line, key, k) == 0 && line[k] == ' ') return strtoll(line + k + 1, NULL, 10);
  return 0;
}
#define OOM_KILLS() counter("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control", "oom_kill")
#define PIDS_HITS() counter("/sys/fs/cgroup/pids.events", "/sys/fs/cgroup/pids/pids.events", "max")

/*
 * Where no pids counter can be read (gVisor shows no cgroup files; its kernel caps the program with
 * RLIMIT_NPROC instead and counts no refused fork), the cap is taken as hit when the step's
 * processes, itself included, filled every slot of it: counted once the step has been reaped, as its
 * threads and processes left in /proc plus the step itself. Returns the cap, or 0 when this applies not.
 */
static long nproc_cap(void) {
  if (access("/sys/fs/cgroup/pids.events", R_OK) == 0 || access("/sys/fs/cgroup/pids/pids.events", R_OK) == 0) return 0;
  struct rlimit r;
  if (getrlimit(RLIMIT_NPROC, &r) < 0 || r.rlim_cur == RLIM_INFINITY || r.rlim_cur > LONG_MAX) return 0;
  return (long)r.rlim_cur;
}

/* Tasks (threads of every process) in this pid namespace, the agent's own included. */
static long count_tasks(void) {
  DIR *proc = opendir("/proc");
  if (!proc) return 0;
  long n = 0;
  for (struct dirent *e; (e = readdir(proc));) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    char path[300];
    snprintf(path, sizeof path, "/proc/%s/task", e->d_name);
    DIR *tasks = opendir(path);
    if (!tasks) continue; /* it has just ended */
    for (struct dirent *t; (t = readdir(tasks));)
      if (t->d_name[0] != '.') n++;
    closedir(tasks);
  }
  closedir(proc);
  return n;
}

static _Noreturn void child(const struct step *s, int in_fd, int out_fd, int err_fd) {
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &dfl, NULL); /* KILL, STOP, libc's: EINVAL, fine */
  sigset_t none;
  sigemptyset(&none);
  if (sigprocmask(SIG_SETMASK, &none, NULL) == 0 && dup2(in_fd, 0) == 0 && dup2(out_fd, 1) == 1 &&
      dup2(err_fd, 2) == 2 && chdir("/work") == 0) {
    if (s->too_long) errno = E2BIG;
    else execvp(s->argv[0], s->argv);
  }
  char msg[1200];
  int n = snprintf(msg, sizeof msg, "wc-agent: cannot run %.1000s: %s\n", s->argv[0], strerror(errno));
  write_all(2, msg, n < 0 ? 0 : n >= (int)sizeof msg ? sizeof msg - 1 : (size_t)n); /* else: just 127 */
  _exit(127);
}

/* Reaps every child that has ended; true when the step was one of them. */
static bool reap(pid_t step, int *status, struct rusage *ru) {
  bool done = false;
  for (;;) {
    int st;
    struct rusage r;
    pid_t pid = wait4(-1, &st, WNOHANG, &r);
    if (pid > 0) {
      if (pid == step) *status = st, *ru = r, done = true; /* others: orphans, ignored */
      continue;
    }
    if (pid == 0 || errno == ECHILD) return done;
    if (errno != EINTR) fail("wait4: %s", strerror(errno));
  }
}

/* Reads once (at most max bytes) from a pipe and frames it; -1 when it had nothing, 0 at EOF. */
static ssize_t pump(int *fd, char type, size_t *cap, size_t max) {
  ssize_t n;
  do n = read(*fd, frame + 5, max < MAX_PAYLOAD ? max : MAX_PAYLOAD);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN) return -1;
    fail("cannot read the step's output: %s", strerror(errno));
  }
  if (n == 0) {
    xclose(*fd);
    *fd = -1;
    return 0;
  }
  size_t send = (size_t)n;
  if (cap) send = send < *cap ? send : *cap, *cap -= send; /* compiler output past the cap: dropped */
  if (send > 0) send_frame(type, send);
  return n;
}

/* Runs one step; output goes out as frames of out_type (and 'e' unless merged), then its report. */
static int run_step(const struct step *s, int in_fd, char out_type, size_t *cap, char report) {
  bool merged = out_type == 'c';
  int out[2], err[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) < 0 || (!merged && pipe2(err, O_CLOEXEC) < 0))
    fail("cannot make a pipe: %s", strerror(errno));
  if (fcntl(out[0], F_SETFL, O_NONBLOCK) < 0 || (!merged && fcntl(err[0], F_SETFL, O_NONBLOCK) < 0))
    fail("fcntl: %s", strerror(errno));
  long long oom0 = OOM_KILLS(), pids0 = PIDS_HITS();
  struct timespec t0, t1 = {0};
  if (clock_gettime(CLOCK_MONOTONIC, &t0) < 0) fail("clock_gettime: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) fail("cannot fork: %s", strerror(errno));
  if (pid == 0) child(s, in_fd, out[1], merged ? out[1] : err[1]);
  xclose(out[1]);
  if (!merged) xclose(err[1]);

  struct pollfd p[3] = {{wake[0], POLLIN, 0}, {out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  const char types[3] = {0, out_type, 'e'};
  int status = 0;
  struct rusage ru = {0};
  for (bool reaped = false; !reaped;) {
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR) continue;
      fail("poll: %s", strerror(errno));
    }
    for (int i = 1; i < 3; i++)
      if (p[i].fd >= 0 && p[i].revents) pump(&p[i].fd, types[i], cap, MAX_PAYLOAD);
    if (p[0].revents) {
      char buf[64];
      ssize_t n;
      while ((n = read(wake[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {}
      if (n < 0 && errno != EAGAIN) fail("cannot read the self-pipe: %s", strerror(errno));
      if ((reaped = reap(pid, &status, &ru)) && clock_gettime(CLOCK_MONOTONIC, &t1) < 0)
        fail("clock_gettime: %s", strerror(errno));
    }
  }
  /* What the step left in the pipes, and no more: a grandchild may keep them open and write on. */
  for (int i = 1; i < 3; i++) {
    int left = 0;
    if (p[i].fd >= 0 && ioctl(p[i].fd, FIONREAD, &left) < 0) fail("FIONREAD: %s", strerror(errno));
    while (left > 0 && p[i].fd >= 0) {
      ssize_t n = pump(&p[i].fd, types[i], cap, (size_t)left);
      if (n <= 0) break;
      left -= (int)n;
    }
    if (p[i].fd >= 0) xclose(p[i].fd);
  }
  long long oom = OOM_KILLS() - oom0, pids = PIDS_HITS() - pids0;
  long nproc = nproc_cap();
  if (nproc > 0 && count_tasks() + 1 >= nproc) pids++;
  bool exited = WIFEXITED(status);
  int n = exited ? WEXITSTATUS(status) : WTERMSIG(status);
  long long wall = (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
  long long user = ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec;
  long long sys = ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
  send_textf(report, "%s %s %d %lld %lld %lld %ld %lld %lld", nonce, exited ? "exit" : "signal", n, wall, user,
             sys, ru.ru_maxrss, oom, pids);
  return exited ? n : 128 + n;
}

int main(void) {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) fail("prctl: %s", strerror(errno));
  umask(077);
  /* Whatever the runtime handed down besides stdin/stdout/stderr stays out of the steps. */
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) { /* an old kernel, or a seccomp profile without it */
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) < 0) fail("getrlimit: %s", strerror(errno));
    for (rlim_t fd = 3; fd < r.rlim_cur && fd < 65536; fd++)
      if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF) fail("fcntl: %s", strerror(errno));
  }
  sigset_t none;
  sigemptyset(&none);
  struct sigaction ign = {.sa_handler = SIG_IGN}, chld = {.sa_handler = on_sigchld, .sa_flags = SA_RESTART | SA_NOCLDSTOP};
  if (sigprocmask(SIG_SETMASK, &none, NULL) < 0 || pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0 ||
      sigaction(SIGPIPE, &ign, NULL) < 0 || sigaction(SIGCHLD, &chld, NULL) < 0)
    fail("cannot set up signals: %s", strerror(errno));

  char magic[4];
  read_small(magic, sizeof magic, "the magic");
  bool live = strcmp(magic, "wc3") == 0;
  if (!live && strcmp(magic, "wc2") != 0) fail("bad job: not protocol wc2 or wc3");
  if (live) {
    /* The length field byte by byte: a read of more could take the program's first input. */
    size_t rest = 0;
    for (int digits = 0;; digits++) {
      job_left = 1;
      if (rd_fill() == 0) fail("bad job: the job length is missing");
      unsigned char c = in[in_pos++];
      if (c == '\n' && digits > 0) break;
      if (c < '0' || c > '9' || digits == 10) fail("bad job: bad job length");
      rest = rest * 10 + (c - '0');
    }
    job_left = rest;
  } else {
    job_left = SIZE_MAX; /* the job ends at EOF */
  }
  size_t len = read_small(nonce, sizeof nonce, "the nonce");
  if (len == 0 || strspn(nonce, "0123456789abcdefABCDEF") != len) fail("bad job: the nonce is not hex");
  size_t cap = (size_t)read_number("the output limit", 10, 1, INT32_MAX);
  struct step compile = {0}, run = {0};
  read_argv(&compile, "the compile argc", 0);
  read_argv(&run, "the run argc", 1);

  int stdin_fd;
  if (live) {
    if (field_len("stdin") != 0) fail("bad job: a live job has stdin in the job");
    stdin_fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
    if (stdin_fd < 0) fail("cannot keep stdin: %s", strerror(errno));
  } else {
    int fd = open(STDIN_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) fail("cannot write " STDIN_FILE ": %s", strerror(errno));
    read_into(NULL, fd, field_len("stdin"), "stdin");
    xclose(fd);
    stdin_fd = open(STDIN_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (stdin_fd < 0 || unlink(STDIN_FILE) < 0) fail("cannot reopen " STDIN_FILE ": %s", strerror(errno));
  }

  if (mkdir(WORK, 0700) < 0) fail("cannot make " WORK ": %s", strerror(errno));
  int dir = open(WORK, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) fail("cannot open " WORK ": %s", strerror(errno));
  read_files(dir);
  xclose(dir);
  if (rd_fill() > 0) fail("bad job: bytes after the last file");
  if (live && job_left != 0) fail("bad job: shorter than its length");

  /* The job ends here; the compile step reads /dev/null (a live run step, the stdin kept above). */
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null < 0 || dup2(null, 0) < 0) fail("cannot open /dev/null: %s", strerror(errno));
  xclose(null);
  memcpy(frame + 5, nonce, len);
  send_frame('S', len);

  if (compile.argc > 0) {
    int code = run_step(&compile, 0, 'c', &cap, 'C');
    if (code != 0) _exit(code);
  }
  _exit(run_step(&run, stdin_fd, 'o', NULL, 'R'));
}
