/*
 * core/base.h -- the small pieces every folder shares: a growable array,
 * a min-heap of indices, numbers printed in their shortest exact form, and
 * CSV fields quoted, and the SplitMix64 generator.  core/ is the lowest
 * layer (core, traces and sim may all include it, and it includes nothing
 * of theirs), so these live here once rather than once per folder
 * (docs/design.md, "Shared pieces").
 *
 * No state, no I/O but the FILE a caller passes, no GSL: the cores stay
 * pure decision logic.  (SplitMix64's GSL adapter and the counter-based
 * draws built on it stay in traces/crn.h, which uses the generator here.)
 */
#ifndef SHSIM_CORE_BASE_H
#define SHSIM_CORE_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- growable array ------------------------------------------------------ */

/* p grown to hold at least need elements of size elem (capacity doubling
 * from `first`, kept in *cap), or NULL with p still valid and *cap
 * unchanged when memory is out or the size would overflow.  Doubling keeps
 * appends amortised O(1). */
void *base_grow(void *p, size_t *cap, size_t need, size_t elem, size_t first);

/* ---- min-heap of indices ----------------------------------------------- */

/* A binary min-heap of uint32_t in h[0..*n) (free workers, ready brackets):
 * the smallest index first, which is what the tie rules ask for ("the
 * lowest worker", "the oldest bracket").  The caller keeps room for one
 * more before a push; pop needs *n > 0.  O(log n) each. */
static inline void base_u32heap_push(uint32_t *h, uint32_t *n, uint32_t v)
{
    uint32_t i = (*n)++;
    while (i > 0 && h[(i - 1) / 2] > v) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = v;
}

static inline uint32_t base_u32heap_pop(uint32_t *h, uint32_t *n)
{
    uint32_t top = h[0], last = h[--*n], i = 0, m = *n;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= m)
            break;
        if (c + 1 < m && h[c + 1] < h[c])
            c++;
        if (h[c] >= last)
            break;
        h[i] = h[c];
        i = c;
    }
    if (m)
        h[i] = last;
    return top;
}

/* ---- SplitMix64 ----------------------------------------------------------- */

/* Steele, Lea and Flood's SplitMix64 (OOPSLA 2014; Java 8 SplittableRandom),
 * as in Vigna's reference splitmix64.c: the state advances by the golden
 * gamma, the output is a bijective 64-bit mix of it (Stafford's "Mix13"
 * constants).  traces/crn.h draws every workload and straggler number from
 * it, core/asha.c hashes a trial to its bracket with it: one copy, so the
 * two cannot drift apart. */
#define BASE_SPLITMIX64_GAMMA UINT64_C(0x9e3779b97f4a7c15)

/* The output function alone, bijective. */
static inline uint64_t base_splitmix64_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* The next output, advancing the state *x (the reference step). */
static inline uint64_t base_splitmix64_next(uint64_t *x)
{
    *x += BASE_SPLITMIX64_GAMMA;
    return base_splitmix64_mix(*x);
}

/* ---- numbers ------------------------------------------------------------- */

/* x in the shortest %.Ng, N = 15..17, that reads back (strtod) to x: every
 * CSV number round-trips to the last bit and stays readable ("4", "0.1").
 * NAN prints as the empty string (a missing value), infinities as "inf" and
 * "-inf".  snprintf's contract on buf. */
void base_fmt_double(char *buf, size_t n, double x);
/* fputs of base_fmt_double. */
void base_put_double(FILE *f, double x);

/* ---- lists in words -------------------------------------------------------- */

/* names[0..count) joined into buf: sep between them, last before the last
 * one ("a, b or c" with ", " and " or ").  snprintf's contract: returns the
 * length the text needs, without the NUL; writes at most n - 1 characters
 * (n may be 0, buf NULL). */
size_t base_join(char *buf, size_t n, const char *const *names, size_t count, const char *sep,
                 const char *last);

/* ---- CSV fields ---------------------------------------------------------- */

/* Quote a field (RFC 4180: in double quotes, a quote doubled) when it holds
 * a comma, quote, CR or LF, and with BASE_CSV_BLANKS also when it starts or
 * ends with a blank (libcsv trims those when reading: what traces/ writes
 * for it to read back). */
enum { BASE_CSV_BLANKS = 1 };
int base_csv_needs_quotes(const char *s, size_t len, int flags);
/* Copy src (len bytes) into buf as a field, quoted as above.  Returns the
 * length the field needs, without the NUL; writes at most n - 1 characters
 * (n may be 0, buf NULL) -- snprintf's contract. */
size_t base_csv_field(char *buf, size_t n, const char *src, size_t len, int flags);
/* Write the C string s to f as a field, quoted as above. */
void base_put_csv_field(FILE *f, const char *s, int flags);

#endif
