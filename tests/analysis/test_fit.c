#include "check.h"
#include "fit.h"

static double gauss(unsigned long long *st)
{
	double u[2];
	for (int i = 0; i < 2; i++) {
		*st = *st * 6364136223846793005ull + 1442695040888963407ull;
		u[i] = ((double)(*st >> 11) + 0.5) / 9007199254740992.0;
	}
	return sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]);
}

/* A sweep like the host's: VMAs x 4 KiB PTEs x PMD entries, a cost of
 * 21 us + 0.9 us per mapping + 6.5 ns per PTE + 200 ns per PMD entry,
 * 2% noise, and every 20th row spoiled 3x (a slow-state sample). */
enum { ROWS = 200, P = 4 };
static double X[ROWS * P], Y[ROWS];
static const double truth[P] = {21000, 900, 6.5, 200};

static size_t make(bool with_pmd, bool outliers)
{
	static const double vmas[] = {1, 4, 16, 64, 256};
	static const double ptes[] = {0, 256, 4096, 65536, 262144};
	static const double pmds[] = {0, 8, 128, 512};
	unsigned long long st = 3;
	size_t n = 0;
	for (int rep = 0; rep < 2; rep++)
		for (int a = 0; a < 5; a++)
			for (int b = 0; b < 5; b++)
				for (int c = 0; c < 4; c++, n++) {
					double row[P] = {1, vmas[a], ptes[b], with_pmd ? pmds[c] : 0};
					double y = 0;
					for (int j = 0; j < P; j++) {
						X[n * P + j] = row[j];
						y += truth[j] * row[j];
					}
					y *= 1 + 0.02 * gauss(&st);
					if (outliers && n % 20 == 7)
						y *= 3;
					Y[n] = y;
				}
	return n;
}

static void recovers(void)
{
	size_t n = make(true, true);
	CHECK_EQ_U64(n, ROWS);
	struct fit_result f;
	cb_error e;
	CHECK(fit_robust(X, Y, n, P, true, &f, &e) == 0);
	CHECK_EQ_U64(f.rank, P);
	CHECK(f.converged);
	for (int j = 0; j < P; j++) {
		CHECK(f.identified[j]);
		/* within 5% and inside its own interval, despite 5% of rows 3x */
		CHECK_NEAR(f.coef[j], truth[j], 0.05 * truth[j]);
		CHECK(f.ci_lo[j] <= truth[j] && truth[j] <= f.ci_hi[j]);
		CHECK(f.ci_lo[j] < f.coef[j] && f.coef[j] < f.ci_hi[j]);
	}
	/* The spoiled rows stay outside the fit: their values sit about 3x
	 * above it (relative residual near +2), where least squares would have
	 * split the difference. */
	double spoiled = 0;
	for (size_t i = 7; i < n; i += 20) {
		double fit = 0;
		for (int j = 0; j < P; j++)
			fit += f.coef[j] * X[i * P + j];
		spoiled += (Y[i] / fit - 1) / (double)(n / 20);
	}
	CHECK_NEAR(spoiled, 2, 0.2);
}

static void unidentified(void)
{
	/* No huge pages in the sweep: the PMD term cannot be told, the rest
	 * still can. */
	size_t n = make(false, false);
	struct fit_result f;
	cb_error e;
	CHECK(fit_robust(X, Y, n, P, true, &f, &e) == 0);
	CHECK_EQ_U64(f.rank, 3);
	CHECK(!f.identified[3] && isnan(f.coef[3]) && isnan(f.ci_lo[3]));
	for (int j = 0; j < 3; j++)
		CHECK_NEAR(f.coef[j], truth[j], 0.05 * truth[j]);
	/* Rows with a NaN are left out. */
	X[0] = NAN;
	Y[1] = NAN;
	CHECK(fit_robust(X, Y, n, P, true, &f, &e) == 0);
	CHECK_EQ_U64(f.n, n - 2);
	/* Too few rows (3 rows, 2 identifiable terms: no interval), too many terms. */
	CHECK(fit_robust(X + 2 * P, Y + 2, 3, P, true, &f, &e) < 0);
	CHECK(fit_robust(X, Y, n, FIT_MAX_TERMS + 1, true, &f, &e) < 0);
}

int main(void)
{
	recovers();
	unidentified();
	return check_done();
}
