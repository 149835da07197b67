#include "host_touch.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

static void *touch_main(void *arg)
{
	struct host_touch_thread *me = arg;
	struct host_touch *t = me->owner;
	host_kev_open(&me->kev);
	__atomic_add_fetch(&t->ready, 1, __ATOMIC_RELEASE);
	uint64_t off = 0, passes = 0;
	while (!t->stop) {
		if (t->bytes) {
			(void)t->region[off];
			off += 4096;
			if (off >= t->bytes)
				off = 0;
		} else {
			__asm__ volatile("" ::: "memory");
		}
		passes++;
		if (!(passes & 1023))
			me->passes = passes;
	}
	me->passes = passes;
	return NULL;
}

int host_touch_start(struct host_touch *t, size_t n, const volatile char *region, uint64_t bytes,
		     const int *cpus, size_t ncpus, cb_error *e)
{
	memset(t, 0, sizeof(*t));
	if (n == 0)
		return 0;
	if (ncpus == 0) {
		cb_error_set(e, "no CPU besides the measuring one for %zu reading thread%s", n,
			     n == 1 ? "" : "s");
		return -1;
	}
	t->t = cb_xcalloc(n, sizeof(*t->t));
	t->region = region;
	t->bytes = bytes;
	for (size_t i = 0; i < n; i++) {
		struct host_touch_thread *th = &t->t[i];
		th->owner = t;
		th->cpu = cpus[i % ncpus];
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(th->cpu, &set);
		/* pinned from its first instruction: it never runs on ours */
		int rc = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		if (rc == 0)
			rc = pthread_create(&th->tid, &attr, touch_main, th);
		pthread_attr_destroy(&attr);
		if (rc != 0) {
			errno = rc;
			cb_error_errno(e, "cannot start a thread reading the region on CPU %d", th->cpu);
			t->n = i;
			host_touch_stop(t);
			return -1;
		}
		t->n = i + 1;
	}
	while (__atomic_load_n(&t->ready, __ATOMIC_ACQUIRE) < n)
		sched_yield();
	return 0;
}

void host_touch_stop(struct host_touch *t)
{
	if (!t->t)
		return;
	t->stop = 1;
	for (size_t i = 0; i < t->n; i++) {
		pthread_join(t->t[i].tid, NULL);
		host_kev_close(&t->t[i].kev);
	}
	free(t->t);
	memset(t, 0, sizeof(*t));
}
