/* The chunk kernels of src/pi/kernel.ts, line for line in C, for bench/kernel.ts: the same loops, so the
 * ratio measures the language, not the algorithm. Build with -ffp-contract=off: a fused a*b+c would
 * change the double-double low words and break bit-identity with JavaScript, which never fuses.
 *
 * usage: kernels precise|fast A B REPS
 * prints: hi lo errBound (IEEE bits in hex), then the median seconds of REPS runs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

typedef struct { double hi, lo, errBound; } chunk_sum;

static const double U = 1.0 / 9007199254740992.0; /* 2^-53 */
static const double SPLITTER = 134217729.0;       /* 2^27 + 1 */

static chunk_sum precise(double a, double b) {
  double sh = 0, sl = 0, sumS = 0;
  for (double d = 2 * b - 3; d >= 2 * a + 1; d -= 4) {
    double e = d + 2;
    double t = SPLITTER * d;
    double dH = t - (t - d), dL = d - dH;
    t = SPLITTER * e;
    double eH = t - (t - e), eL = e - eH;
    double ph = d * e;
    double pl = dH * eH - ph + dH * eL + dL * eH + dL * eL;
    double q1 = 8 / ph;
    t = SPLITTER * q1;
    double qH = t - (t - q1), qL = q1 - qH;
    t = SPLITTER * ph;
    double pH = t - (t - ph), pL = ph - pH;
    double th = q1 * ph;
    double tl = qH * pH - th + qH * pL + qL * pH + qL * pL;
    double q2 = (8 - th - tl - q1 * pl) / ph;
    double s = sh + q1;
    double bv = s - sh;
    double err = sh - (s - bv) + (q1 - bv);
    double v = err + (sl + q2);
    sh = s + v;
    sl = v - (sh - s);
    sumS += sh;
  }
  chunk_sum r = { sh, sl, 2 * U * U * (8 * sh + 5 * sumS) };
  return r;
}

static chunk_sum fast(double a, double b) {
  double s = 0, c = 0, sumAbsC = 0;
  for (double d = 2 * b - 3; d >= 2 * a + 1; d -= 4) {
    double q = 8 / (d * (d + 2));
    double t = s + q;
    if (s >= q) c += s - t + q;
    else c += q - t + s;
    sumAbsC += fabs(c);
    s = t;
  }
  double hi = s + c;
  double lo = c - (hi - s);
  chunk_sum r = { hi, lo, 2.0001 * U * hi + 1.1 * U * sumAbsC };
  return r;
}

static uint64_t bits(double x) {
  uint64_t u;
  memcpy(&u, &x, sizeof u);
  return u;
}

static int cmp(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: kernels precise|fast A B REPS\n");
    return 2;
  }
  int isPrecise = strcmp(argv[1], "precise") == 0;
  double a = strtod(argv[2], 0), b = strtod(argv[3], 0);
  int reps = atoi(argv[4]);
  if (reps < 1 || reps > 100) reps = 3;
  double times[100];
  chunk_sum r = { 0, 0, 0 };
  for (int i = 0; i < reps; i++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = isPrecise ? precise(a, b) : fast(a, b);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    times[i] = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
  }
  qsort(times, (size_t)reps, sizeof times[0], cmp);
  printf("%016llx %016llx %016llx %.9f\n", (unsigned long long)bits(r.hi), (unsigned long long)bits(r.lo),
         (unsigned long long)bits(r.errBound), times[reps / 2]);
  return 0;
}
