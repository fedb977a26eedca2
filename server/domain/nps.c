/* nps.c - NPS and CSAT arithmetic. */
#include "domain/nps.h"

#include <math.h>
#include <string.h>

#define Z95 1.96

enum nps_category nps_category_of(int score)
{
	if (score >= 9)
		return NPS_PROMOTER;
	if (score >= 7)
		return NPS_PASSIVE;
	return NPS_DETRACTOR;
}

double nps_round2(double v)
{
	return round(v * 100.0) / 100.0;
}

static double clamp100(double v)
{
	return v < -100.0 ? -100.0 : (v > 100.0 ? 100.0 : v);
}

void nps_compute(long promoters, long passives, long detractors, struct nps_result *out)
{
	memset(out, 0, sizeof(*out));
	out->promoters = promoters;
	out->passives = passives;
	out->detractors = detractors;
	out->responses = promoters + passives + detractors;
	if (out->responses <= 0)
		return;
	double n = (double)out->responses;
	double p = (double)promoters / n, d = (double)detractors / n;
	out->defined = true;
	out->promoters_pct = 100.0 * p;
	out->passives_pct = 100.0 * (double)passives / n;
	out->detractors_pct = 100.0 * d;
	out->nps = 100.0 * (p - d);
	out->variance = p + d - (p - d) * (p - d);
	out->margin_of_error = Z95 * sqrt(out->variance / n) * 100.0;
	/* adjusted Wald: add 0.75 to P and D and 3 to N */
	double na = n + 3.0;
	double pa = ((double)promoters + 0.75) / na, da = ((double)detractors + 0.75) / na;
	double va = pa + da - (pa - da) * (pa - da);
	double half = Z95 * sqrt(va / na) * 100.0;
	out->ci_low = clamp100(100.0 * (pa - da) - half);
	out->ci_high = clamp100(100.0 * (pa - da) + half);
}

void nps_compare(const struct nps_result *current, const struct nps_result *previous,
                 struct nps_change *out)
{
	memset(out, 0, sizeof(*out));
	if (!current->defined || !previous->defined)
		return;
	out->defined = true;
	out->change = current->nps - previous->nps;
	double se = sqrt(current->variance / (double)current->responses +
	                 previous->variance / (double)previous->responses);
	if (se == 0.0) {
		/* both periods unanimous: any difference is certain, none is no change */
		out->z = out->change == 0.0 ? 0.0 : (out->change > 0 ? INFINITY : -INFINITY);
		out->p_value = out->change == 0.0 ? 1.0 : 0.0;
	} else {
		out->z = (out->change / 100.0) / se;
		out->p_value = erfc(fabs(out->z) / sqrt(2.0));
	}
	out->significant = out->p_value < 0.05;
}

void csat_compute(long responses, long satisfied, struct csat_result *out)
{
	memset(out, 0, sizeof(*out));
	out->responses = responses;
	out->satisfied = satisfied;
	if (responses <= 0)
		return;
	double p = (double)satisfied / (double)responses;
	out->defined = true;
	out->csat = 100.0 * p;
	out->margin_of_error = Z95 * sqrt(p * (1.0 - p) / (double)responses) * 100.0;
}
