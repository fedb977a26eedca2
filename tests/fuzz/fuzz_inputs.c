/* fuzz_inputs.c - the request → validated command path of the JSON route families: the
 * body parsed as http_body_json parses it (duplicate keys refused, nesting capped), then
 * the validator of events, customers, the points programme, or survey answers (NPS and
 * CSAT), chosen by the first byte. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "base/json_util.h"
#include "domain/customer_input.h"
#include "domain/event_input.h"
#include "domain/program_input.h"
#include "domain/response_input.h"
#include "http/body_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t which = data[0] % 5;
	json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
	if (!body || json_depth(body) > HTTP_JSON_MAX_DEPTH) {
		json_decref(body);
		return 0;
	}
	json_t *errors = json_array();
	if (which == 0) {
		json_decref(event_input_parse(body, errors));
	} else if (which == 1) {
		struct customer_input in;
		(void)customer_input_parse(body, &in, errors);
		customer_input_release(&in); /* either way, as its header says */
	} else if (which == 2) {
		json_decref(program_input_parse(body, errors));
	} else {
		struct survey_info info = {"nps", 2};
		struct response_input in;
		if (which == 4)
			info = (struct survey_info){"csat", 0};
		response_input_parse(body, &info, &in, errors);
		free(in.answers);
	}
	json_decref(errors);
	json_decref(body);
	return 0;
}
