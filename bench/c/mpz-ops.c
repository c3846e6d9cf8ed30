/* The two BigInt operations the exact kernel is made of, in GMP, for bench/digits.ts to hold V8's against:
 * a balanced product (the top of a group's binary splitting) and a division with a quotient longer than its
 * divisor (a group's floor(p·2^P / q)). The operands are powers of 3 and 7 of the asked sizes, so JavaScript
 * builds the same numbers without a random generator.
 *
 * usage: mpz-ops mul|div X_BITS Y_BITS REPS
 * prints: process CPU seconds per operation, the best of five rounds of REPS. */
#include <gmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* base^ceil(bits / log2(base)): the first power of base with at least `bits` bits. */
static void power_of(mpz_t x, unsigned long base, long bits) {
  mpz_ui_pow_ui(x, base, (unsigned long)ceil((double)bits / log2((double)base)));
}

int main(int argc, char **argv) {
  if (argc != 5 || (strcmp(argv[1], "mul") && strcmp(argv[1], "div"))) {
    fprintf(stderr, "usage: mpz-ops mul|div X_BITS Y_BITS REPS\n");
    return 2;
  }
  int mul = strcmp(argv[1], "mul") == 0;
  long reps = atol(argv[4]);
  mpz_t x, y, z;
  mpz_inits(x, y, z, NULL);
  power_of(x, 3, atol(argv[2]));
  power_of(y, 7, atol(argv[3]));
  double best = 1e9;
  for (int round = 0; round < 5; round++) {
    double t0 = cpu_seconds();
    for (long i = 0; i < reps; i++) {
      if (mul) mpz_mul(z, x, y);
      else mpz_fdiv_q(z, x, y);
    }
    double t = (cpu_seconds() - t0) / (double)reps;
    if (t < best) best = t;
  }
  printf("%.9f\n", best);
  mpz_clears(x, y, z, NULL);
  return 0;
}
