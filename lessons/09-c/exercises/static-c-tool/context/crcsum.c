/*
 * crcsum: print the CRC-32 checksum (the one zip, gzip and PNG use) and the size of each file.
 *
 *   crcsum FILE...      one line per file: checksum, size in bytes, name
 *   crcsum              read standard input
 *   crcsum --self-test  check the implementation against known values and report how it was built
 *
 * Exit codes: 0 all fine, 1 a file could not be read or the self-test failed, 2 bad usage.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define VERSION "1.0"

static uint32_t table[256];

/* The reflected IEEE polynomial, one table entry per byte value. */
static void make_table(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
}

static uint32_t crc_update(uint32_t crc, const unsigned char *buf, size_t len) {
  for (size_t i = 0; i < len; i++) crc = table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
  return crc;
}

static int sum_stream(FILE *in, const char *name) {
  unsigned char buf[65536];
  uint32_t crc = 0xFFFFFFFFu;
  unsigned long long size = 0;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
    crc = crc_update(crc, buf, n);
    size += n;
  }
  if (ferror(in)) {
    fprintf(stderr, "crcsum: %s: read error\n", name);
    return 1;
  }
  printf("%08x  %llu  %s\n", crc ^ 0xFFFFFFFFu, size, name);
  return 0;
}

/* Names the C library the binary was compiled against: glibc says so in a macro, musl does not. */
static const char *libc_name(void) {
#ifdef __GLIBC__
  static char name[32];
  snprintf(name, sizeof name, "glibc %d.%d", __GLIBC__, __GLIBC_MINOR__);
  return name;
#else
  return "a C library other than glibc (musl?)";
#endif
}

static int self_test(void) {
  static const struct { const char *text; uint32_t crc; } vectors[] = {
    {"", 0x00000000u},
    {"123456789", 0xCBF43926u},
    {"The quick brown fox jumps over the lazy dog", 0x414FA339u},
  };
  const int total = (int)(sizeof vectors / sizeof vectors[0]);
  int passed = 0;
  printf("crcsum %s, compiled by gcc %s against %s\n", VERSION, __VERSION__, libc_name());
  for (int i = 0; i < total; i++) {
    uint32_t crc = crc_update(0xFFFFFFFFu, (const unsigned char *)vectors[i].text, strlen(vectors[i].text)) ^ 0xFFFFFFFFu;
    int ok = crc == vectors[i].crc;
    passed += ok;
    printf("  \"%s\" -> %08x %s\n", vectors[i].text, crc, ok ? "ok" : "WRONG");
  }
  if (passed != total) {
    printf("self-test FAILED (%d/%d)\n", passed, total);
    return 1;
  }
  printf("self-test passed (%d/%d)\n", passed, total);
  return 0;
}

int main(int argc, char **argv) {
  make_table();
  if (argc == 2 && strcmp(argv[1], "--self-test") == 0) return self_test();
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    printf("crcsum %s\n", VERSION);
    return 0;
  }
  if (argc == 1) return sum_stream(stdin, "-");

  int status = 0;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] != '\0') {
      fprintf(stderr, "crcsum: unknown option %s (try --self-test)\n", argv[i]);
      return 2;
    }
    FILE *in = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "rb");
    if (!in) {
      fprintf(stderr, "crcsum: %s: %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    status |= sum_stream(in, argv[i]);
    if (in != stdin) fclose(in);
  }
  return status;
}
