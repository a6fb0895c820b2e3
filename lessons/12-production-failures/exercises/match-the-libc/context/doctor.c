/*
 * doctor: prints what a support engineer asks first when a container misbehaves: who the process
 * runs as, which C library it is using and how it was linked, and how many CPUs it can use.
 *
 * It is written against glibc on purpose: gnu_get_libc_version() exists only there, and the user
 * lookup goes through glibc's NSS, which expects the shared glibc at run time (a static build makes
 * the linker warn). Build it dynamically and run it where glibc is.
 */
#include <gnu/libc-version.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char **argv) {
  uid_t uid = getuid();
  struct passwd *pw = getpwuid(uid);
  struct utsname host;

  printf("doctor 1.0\n");
  printf("user: %s (uid %u)\n", pw ? pw->pw_name : "(no name in /etc/passwd)", (unsigned)uid);
  /* AT_BASE is where the kernel mapped the dynamic loader; a static binary has none. */
  printf("C library: glibc %s, %s\n", gnu_get_libc_version(),
         getauxval(AT_BASE) ? "dynamically linked" : "statically linked");
  if (uname(&host) == 0) printf("kernel: %s %s on %s\n", host.sysname, host.release, host.machine);
  printf("cpus online: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
  (void)argc;
  (void)argv;
  return 0;
}
