/* test_nps.c - NPS and CSAT arithmetic with values computed by hand from docs/DESIGN.md §6. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/nps.h"

#define assert_close(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void categories(void **state)
{
	(void)state;
	assert_int_equal(nps_category_of(0), NPS_DETRACTOR);
	assert_int_equal(nps_category_of(6), NPS_DETRACTOR);
	assert_int_equal(nps_category_of(7), NPS_PASSIVE);
	assert_int_equal(nps_category_of(8), NPS_PASSIVE);
	assert_int_equal(nps_category_of(9), NPS_PROMOTER);
	assert_int_equal(nps_category_of(10), NPS_PROMOTER);
}

static void all_promoters_is_100(void **state)
{
	struct nps_result r;
	(void)state;
	nps_compute(12, 0, 0, &r);
	assert_true(r.defined);
	assert_close(r.nps, 100.0);
	assert_close(r.promoters_pct, 100.0);
	assert_close(r.margin_of_error, 0.0); /* var = 1 + 0 - 1 = 0 */
	/* adjusted: P' = 12.75, D' = 0.75, N' = 15: NPS' = 80, var' = 0.9 - 0.64 = 0.26,
	 * half-width 1.96 * sqrt(0.26 / 15) * 100 = 25.804...; the top clamps at 100 */
	assert_close(r.ci_low, 80.0 - 1.96 * sqrt(0.26 / 15.0) * 100.0);
	assert_close(r.ci_high, 100.0);
}

static void all_detractors_is_minus_100(void **state)
{
	struct nps_result r;
	(void)state;
	nps_compute(0, 0, 7, &r);
	assert_close(r.nps, -100.0);
	assert_close(r.detractors_pct, 100.0);
	assert_close(r.ci_low, -100.0);
}

static void mix_5_2_3_is_20_with_moe_54_03(void **state)
{
	struct nps_result r;
	(void)state;
	nps_compute(5, 2, 3, &r);
	assert_int_equal(r.responses, 10);
	assert_close(r.nps, 20.0);
	assert_close(r.promoters_pct, 50.0);
	assert_close(r.passives_pct, 20.0);
	assert_close(r.detractors_pct, 30.0);
	assert_close(r.variance, 0.76);
	assert_close(nps_round2(r.margin_of_error), 54.03);
	/* adjusted: P' = 5.75, D' = 3.75, N' = 13: p' - d' = 2/13, var' = 9.5/13 - (2/13)^2 */
	double pd = 2.0 / 13.0, va = 9.5 / 13.0 - pd * pd;
	assert_close(r.ci_low, 100.0 * pd - 1.96 * sqrt(va / 13.0) * 100.0);
	assert_close(r.ci_high, 100.0 * pd + 1.96 * sqrt(va / 13.0) * 100.0);
	assert_close(nps_round2(r.ci_low), -30.33);
	assert_close(nps_round2(r.ci_high), 61.1);
}

static void no_answers_is_undefined_not_a_division_by_zero(void **state)
{
	struct nps_result r;
	struct csat_result c;
	(void)state;
	nps_compute(0, 0, 0, &r);
	assert_false(r.defined);
	assert_int_equal(r.responses, 0);
	csat_compute(0, 0, &c);
	assert_false(c.defined);
}

static void change_between_periods(void **state)
{
	struct nps_result now, before;
	struct nps_change ch;
	(void)state;
	/* 5/2/3 (NPS 20) after 3/2/5 (NPS -20): Δ 40; both var 0.76, N 10:
	 * z = 0.4 / sqrt(0.152) = 1.026, p = 0.305: not significant */
	nps_compute(5, 2, 3, &now);
	nps_compute(3, 2, 5, &before);
	nps_compare(&now, &before, &ch);
	assert_true(ch.defined);
	assert_close(ch.change, 40.0);
	assert_close(ch.z, 0.4 / sqrt(0.152));
	assert_true(ch.p_value > 0.30 && ch.p_value < 0.31);
	assert_false(ch.significant);
	/* the same shares over 100 answers each: z = 0.4 / sqrt(0.0152) = 3.24, significant */
	nps_compute(50, 20, 30, &now);
	nps_compute(30, 20, 50, &before);
	nps_compare(&now, &before, &ch);
	assert_close(ch.z, 0.4 / sqrt(0.0152));
	assert_true(ch.significant);
	/* an empty previous period: no comparison */
	nps_compute(0, 0, 0, &before);
	nps_compare(&now, &before, &ch);
	assert_false(ch.defined);
}

static void csat_share_of_4_and_5(void **state)
{
	struct csat_result c;
	(void)state;
	/* 8 of 10 satisfied: 80 %, moe 1.96 * sqrt(0.16 / 10) * 100 = 24.79 */
	csat_compute(10, 8, &c);
	assert_true(c.defined);
	assert_close(c.csat, 80.0);
	assert_close(nps_round2(c.margin_of_error), 24.79);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(categories),
	    cmocka_unit_test(all_promoters_is_100),
	    cmocka_unit_test(all_detractors_is_minus_100),
	    cmocka_unit_test(mix_5_2_3_is_20_with_moe_54_03),
	    cmocka_unit_test(no_answers_is_undefined_not_a_division_by_zero),
	    cmocka_unit_test(change_between_periods),
	    cmocka_unit_test(csat_share_of_4_and_5),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
