/* check: a tiny assertion harness shared by the unit tests — each failed
 * check prints file:line and the expression, and the program exits 1 at the
 * end so ctest reports the failure. Prints "N passed, N failed". */
#ifndef FC_CHECK_H
#define FC_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failed, check_passed;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (cond) check_passed++;                                             \
        else {                                                                \
            check_failed++;                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                     \
    } while (0)

#define CHECK_STR(a, b)                                                       \
    do {                                                                      \
        const char *a_ = (a), *b_ = (b);                                      \
        if (a_ && b_ && strcmp(a_, b_) == 0) check_passed++;                  \
        else {                                                                \
            check_failed++;                                                   \
            fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__, \
                    b_ ? b_ : "(null)", a_ ? a_ : "(null)");                  \
        }                                                                     \
    } while (0)

/* Money checks: equal to within half a tenth of a cent unless said otherwise. */
#define CHECK_NEAR(a, b, eps)                                                 \
    do {                                                                      \
        double a_ = (a), b_ = (b);                                            \
        if (fabs(a_ - b_) <= (eps)) check_passed++;                           \
        else {                                                                \
            check_failed++;                                                   \
            fprintf(stderr, "%s:%d: expected %.6f, got %.6f (%s)\n", __FILE__, __LINE__, b_, a_, #a); \
        }                                                                     \
    } while (0)

static inline int check_done(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
