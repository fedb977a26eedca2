/* nps.h - the arithmetic of NPS and CSAT (docs/DESIGN.md §6), pure and exact.
 *
 * NPS over N answers with P promoters (9–10) and D detractors (0–6): 100 × (P − D) / N,
 * with the 95 % margin of error 1.96 × √(var / N) × 100, var = p + d − (p − d)², and the
 * adjusted-Wald interval: the same around P + 0.75, D + 0.75, N + 3, clamped to ±100.
 * CSAT: the share of 4–5 answers among 1–5, with the Wald margin of a proportion. */
#ifndef LOYALTYD_NPS_H
#define LOYALTYD_NPS_H

#include <stdbool.h>

enum nps_category { NPS_DETRACTOR, NPS_PASSIVE, NPS_PROMOTER };

/* The category of an NPS score 0–10. */
enum nps_category nps_category_of(int score);

struct nps_result {
	long responses, promoters, passives, detractors;
	bool defined; /* false when responses == 0: every figure below is null */
	double promoters_pct, passives_pct, detractors_pct;
	double nps;             /* −100 … 100 */
	double variance;        /* of the per-answer score (+1, 0, −1) */
	double margin_of_error; /* 95 %, in NPS points */
	double ci_low, ci_high; /* adjusted Wald, 95 % */
};

/* Computes every figure from the three counts. */
void nps_compute(long promoters, long passives, long detractors, struct nps_result *out);

struct nps_change {
	bool defined;     /* both periods have answers */
	double change;    /* current − previous, in NPS points */
	double z;         /* two-sample z on the NPS variances */
	double p_value;   /* two-sided */
	bool significant; /* p < 0.05 */
};

/* Tests whether current differs from previous beyond chance (two-sample z test with the
 * variances of both periods: z = Δ / √(var₁/N₁ + var₂/N₂), in fractions). */
void nps_compare(const struct nps_result *current, const struct nps_result *previous,
                 struct nps_change *out);

struct csat_result {
	long responses, satisfied;
	bool defined;
	double csat; /* share of 4–5, percent */
	double margin_of_error;
};

void csat_compute(long responses, long satisfied, struct csat_result *out);

/* Rounds to two decimals, as figures are reported. */
double nps_round2(double v);

#endif
