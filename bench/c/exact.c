/* The exact chunk kernel of src/pi/exact-kernel.ts in C with GMP, for bench/digits.ts: the same groups,
 * the same binary splitting and one floor division per group, so at the same group size the ratio
 * measures V8's BigInt against GMP on the same algorithm, and the sums must agree bit for bit. Several
 * group sizes in one call find GMP's best, which the JS kernel is held against as well.
 *
 * usage: exact A B BITS GROUP_PAIRS...
 * prints, a line per group size: the group size, the process CPU seconds, the groups, the sum in hex.
 * CPU time, not wall time: the speed per core, whatever else the machine runs. */
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void split(unsigned long long from, long count, mpz_t p, mpz_t q) {
  if (count == 1) {
    mpz_set_ui(p, 8);
    mpz_set_ui(q, from);
    mpz_mul_ui(q, q, from + 2);
    return;
  }
  long half = count >> 1;
  mpz_t p2, q2, t;
  mpz_inits(p2, q2, t, NULL);
  split(from, half, p, q);
  split(from + 4ULL * half, count - half, p2, q2);
  mpz_mul(p, p, q2);
  mpz_mul(t, p2, q);
  mpz_add(p, p, t);
  mpz_mul(q, q, q2);
  mpz_clears(p2, q2, t, NULL);
}

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void chunk(unsigned long long a, unsigned long long b, long bits, long group) {
  double t0 = cpu_seconds();
  mpz_t sum, p, q;
  mpz_inits(sum, p, q, NULL);
  long pairs = (long)((b - a) / 2), groups = 0;
  for (long done = 0; done < pairs; done += group) {
    split(2 * a + 1 + 4ULL * done, pairs - done < group ? pairs - done : group, p, q);
    mpz_mul_2exp(p, p, bits);
    mpz_fdiv_q(p, p, q);
    mpz_add(sum, sum, p);
    groups++;
  }
  printf("%ld %.6f %ld ", group, cpu_seconds() - t0, groups);
  mpz_out_str(stdout, 16, sum);
  printf("\n");
  mpz_clears(sum, p, q, NULL);
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: exact A B BITS GROUP_PAIRS...\n");
    return 2;
  }
  unsigned long long a = strtoull(argv[1], 0, 10), b = strtoull(argv[2], 0, 10);
  long bits = atol(argv[3]);
  for (int i = 4; i < argc; i++) chunk(a, b, bits, atol(argv[i]));
  return 0;
}
