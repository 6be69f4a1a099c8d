#include "report/json_provenance.h"

#include "core/utc.h"

json_t *wc_report_provenance_json(const wc_provenance *p, json_t *command_line)
{
	char when[32];
	json_t *o = json_object();
	json_object_set_new(o, "wormcast_version", json_string(wc_version()));
	json_object_set_new(o, "git_commit", json_string(wc_git_commit()));
	json_object_set_new(o, "command_line", command_line ? command_line : json_null());
	json_object_set_new(o, "started_at",
			    p && p->started ? json_string(wc_time_format((wc_time)p->started, when))
					    : json_null());
	return o;
}
