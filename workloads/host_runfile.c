#include "host_runfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"

static bool is_out_or_resume(char **argv, int i, int argc, int *skip)
{
	*skip = 1;
	if (!strcmp(argv[i], "--resume") || !strncmp(argv[i], "--out=", 6))
		return true;
	if (!strcmp(argv[i], "--out")) {
		*skip = i + 1 < argc ? 2 : 1;
		return true;
	}
	return false;
}

/* The 1-minute load average: how busy the machine was besides us. */
static double load_avg(void)
{
	char *text = cb_read_text("/proc/loadavg");
	double v = NAN;
	if (!text || sscanf(text, "%lf", &v) != 1)
		v = NAN;
	free(text);
	return v;
}

static json_t *real_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

void host_runfile_init(struct host_runfile *rf, int argc, char **argv, uint64_t seed,
		       unsigned rounds, bool resumed)
{
	memset(rf, 0, sizeof(*rf));
	rf->seed = seed;
	rf->rounds = rounds;
	rf->resumed = resumed;
	rf->args = cb_xcalloc((size_t)argc + 1, sizeof(*rf->args));
	for (int i = 1, skip; i < argc; i += skip)
		if (!is_out_or_resume(argv, i, argc, &skip))
			rf->args[rf->nargs++] = cb_xstrdup(argv[i]);
	rf->ticks_ok = env_read_ticks(&rf->ticks_before) == 0;
	rf->load_before = load_avg();
	rf->start_ns = cb_now_ns();
	rf->tsc_overhead_ns = rf->clock_overhead_ns = NAN;
}

int host_runfile_write(const struct host_runfile *rf, const char *dir, bool done, int status,
		       cb_error *e)
{
	json_t *j = json_object(), *args = json_array();
	for (size_t i = 0; i < rf->nargs; i++)
		json_array_append_new(args, json_string(rf->args[i]));
	json_object_set_new(j, "seed", json_integer((json_int_t)rf->seed));
	json_object_set_new(j, "rounds", json_integer(rf->rounds));
	json_object_set_new(j, "args", args);
	json_object_set_new(j, "resumed", json_boolean(rf->resumed));
	json_object_set_new(j, "status", done ? json_integer(status) : json_string("running"));
	struct env_ticks now;
	double steal = NAN;
	if (done && rf->ticks_ok && env_read_ticks(&now) == 0)
		steal = env_steal_fraction(&rf->ticks_before, &now);
	json_object_set_new(j, "elapsed_s",
			    done ? json_real((double)(cb_now_ns() - rf->start_ns) / 1e9) : json_null());
	json_object_set_new(j, "steal_fraction", real_or_null(steal));
	json_t *load = json_array();
	json_array_append_new(load, real_or_null(rf->load_before));
	json_array_append_new(load, done ? real_or_null(load_avg()) : json_null());
	json_object_set_new(j, "load_avg", load);
	json_t *wt = json_object();
	json_object_set_new(wt, "chosen", json_string(rf->write_timer));
	json_object_set_new(wt, "tsc_overhead_ns", real_or_null(rf->tsc_overhead_ns));
	json_object_set_new(wt, "clock_overhead_ns", real_or_null(rf->clock_overhead_ns));
	json_object_set_new(j, "write_timer", wt);
	json_object_set_new(j, "copied_by", json_string(rf->copied_by));
	json_t *kev = json_object();
	json_object_set_new(kev, "tracefs", json_string(rf->trace_note ? rf->trace_note : ""));
	json_object_set_new(kev, "missing", json_string(rf->kev_missing));
	json_object_set_new(j, "kernel_events", kev);
	char *path = cb_path_join(dir, "host-run.json");
	int rc = afile_write_json(path, j, 0, "host-run.json", e);
	json_decref(j);
	free(path);
	return rc;
}

int host_runfile_read(struct host_runfile *rf, const char *dir, cb_error *e)
{
	memset(rf, 0, sizeof(*rf));
	char *path = cb_path_join(dir, "host-run.json");
	json_error_t je;
	json_t *j = access(path, F_OK) == 0 ? json_load_file(path, 0, &je) : NULL;
	if (!j) {
		if (access(path, F_OK) != 0)
			cb_error_set(e, "%s: no host-run.json: nothing to resume there", dir);
		else
			cb_error_set(e, "%s: line %d: %s", path, je.line, je.text);
		free(path);
		return -1;
	}
	json_t *seed = json_object_get(j, "seed"), *rounds = json_object_get(j, "rounds"),
	       *args = json_object_get(j, "args");
	if (!json_is_integer(seed) || json_integer_value(seed) < 0 || !json_is_integer(rounds) ||
	    !json_is_array(args)) {
		cb_error_set(e, "%s: needs an integer seed and rounds and an args list", path);
		json_decref(j);
		free(path);
		return -1;
	}
	rf->seed = (uint64_t)json_integer_value(seed);
	rf->rounds = (unsigned)json_integer_value(rounds);
	rf->args = cb_xcalloc(json_array_size(args) + 1, sizeof(*rf->args));
	for (size_t i = 0; i < json_array_size(args); i++) {
		json_t *a = json_array_get(args, i);
		if (!json_is_string(a)) {
			cb_error_set(e, "%s: args[%zu] is not a string", path, i);
			json_decref(j);
			free(path);
			host_runfile_free(rf);
			return -1;
		}
		rf->args[rf->nargs++] = cb_xstrdup(json_string_value(a));
	}
	json_decref(j);
	free(path);
	return 0;
}

void host_runfile_free(struct host_runfile *rf)
{
	for (size_t i = 0; i < rf->nargs; i++)
		free(rf->args[i]);
	free(rf->args);
	memset(rf, 0, sizeof(*rf));
}
