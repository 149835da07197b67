/* Change points in a metric's history: E-Divisive means (Matteson & James,
 * JASA 2014) with the significance test Apache Otava uses (docs/MATH.md;
 * Fleming et al., "Hunter", ICPE 2023): a t-test instead of a permutation
 * test, so the same history always gives the same answer.
 *
 * The series z[0..n) is split hierarchically: within each interval between
 * the change points found so far, the candidate is the split tau (with
 * the right segment ending at kappa) that maximises the divergence
 *   Q = m1 m2 / (m1 + m2) * (2/(m1 m2) sum |x - y| - mean within X - mean within Y)
 * over X = z[s, tau), Y = z[tau, kappa) (alpha = 1); the best candidate over
 * all intervals is kept when Welch's t-test of its interval's left part
 * z[s, tau) against its right part z[tau, e) gives p < max_p, and the search
 * stops at the first candidate that does not.  Unlike Otava, p is
 * multiplied by the number of splits the interval allowed (Bonferroni): the
 * best of many splits always looks more significant than a fixed one, and
 * without the correction a history of pure noise grows change points. */
#ifndef COWBENCH_EDIV_H
#define COWBENCH_EDIV_H

#include <stdbool.h>
#include <stddef.h>

struct ediv_opts {
	double max_p;	/* keep a split when its t-test p is below this */
	size_t min_seg; /* points each side of a split needs (>= 2: a t-test needs two) */
};

struct ediv_cp {
	size_t index;	      /* the first point after the change */
	double qhat;	      /* its divergence */
	double p;	      /* its t-test p, times the splits its interval allowed */
	double before, after; /* means of its interval's left and right parts */
};

/* The best split of z[s, e) with both sides of at least min_seg points
 * (and the right segment ending at some kappa <= e); false when the
 * interval is too short to split.  Ties go to the smallest tau, then kappa. */
bool ediv_candidate(const double *z, size_t s, size_t e, size_t min_seg, size_t *tau,
		    size_t *kappa, double *qhat);

/* The change points of z, sorted by index; returns how many (at most
 * n / min_seg), written to out (sized n). */
size_t ediv_change_points(const double *z, size_t n, const struct ediv_opts *o,
			  struct ediv_cp *out);

#endif
