/* program_input.h - validation of the points programme (PUT /v1/program). Pure code.
 *
 * The programme of docs/DESIGN.md §5: currency, points_per_unit, rounding, event_points,
 * tiers, tier_window_days, expiry_days, min_redeem, point_value. PUT replaces the whole
 * programme; omitted optional fields take their defaults, which the stored and returned
 * programme shows. Unknown fields are refused: the programme governs money. */
#ifndef LOYALTYD_PROGRAM_INPUT_H
#define LOYALTYD_PROGRAM_INPUT_H

#include <jansson.h>

#define PROGRAM_TIERS_MAX 20
#define PROGRAM_EVENT_TYPES_MAX 64

/* Validates body; returns a new canonical programme object (every field present, money
 * as decimal strings), or NULL with errors appended (each with its JSON pointer). */
json_t *program_input_parse(const json_t *body, json_t *errors);

#endif
