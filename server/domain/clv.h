/* clv.h - predicted customer lifetime value (docs/DESIGN.md §6). Pure code.
 *
 * predicted = average order value × orders per customer per year × expected lifetime in
 * years, lifetime = 1 / annual churn, capped at 10 years (no churn: 10). */
#ifndef LOYALTYD_CLV_H
#define LOYALTYD_CLV_H

#include <stdbool.h>

#define CLV_LIFETIME_CAP_YEARS 10.0

struct clv_inputs {
	double average_order_value;
	long long orders_last_year;    /* orders in the last 365 days */
	long long customers_last_year; /* customers who placed them */
	long long churn_start;         /* customers active 365 days ago */
	long long churn_lost;          /* of them, those with no order since */
};

struct clv_prediction {
	bool has_frequency;
	double orders_per_customer_per_year; /* 2 decimals */
	bool has_churn;
	double annual_churn;   /* percent, 2 decimals */
	double lifetime_years; /* 2 decimals */
	bool defined;          /* a predicted CLV needs both the frequency and the churn */
	double predicted;      /* 2 decimals */
};

void clv_predict(const struct clv_inputs *in, struct clv_prediction *out);

#endif
