/* clv.c - predicted customer lifetime value. */
#include "domain/clv.h"

#include <math.h>
#include <string.h>

#include "domain/percent.h"

static double round2(double x)
{
	return round(x * 100.0) / 100.0;
}

void clv_predict(const struct clv_inputs *in, struct clv_prediction *out)
{
	double frequency = 0, lifetime = 0;
	memset(out, 0, sizeof(*out));
	if (in->customers_last_year > 0) {
		frequency = (double)in->orders_last_year / (double)in->customers_last_year;
		out->has_frequency = true;
		out->orders_per_customer_per_year = round2(frequency);
	}
	if (percent_of(in->churn_lost, in->churn_start, &out->annual_churn)) {
		out->has_churn = true;
		lifetime = in->churn_lost > 0 ? (double)in->churn_start / (double)in->churn_lost
		                              : CLV_LIFETIME_CAP_YEARS;
		if (lifetime > CLV_LIFETIME_CAP_YEARS)
			lifetime = CLV_LIFETIME_CAP_YEARS;
		out->lifetime_years = round2(lifetime);
	}
	if (out->has_frequency && out->has_churn) {
		out->defined = true;
		out->predicted = round2(in->average_order_value * frequency * lifetime);
	}
}
