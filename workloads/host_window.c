#include "host_window.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

/* Deeper than anything the window calls (getrusage, the vDSO clock). */
#define STACK_TOUCH (16 * 1024)
/* The parent's readings around its window go deeper (snprintf, /proc
 * reads); what it touches is not timed. */
#define STACK_TOUCH_PARENT (64 * 1024)

/* Two functions, not one with a size: a frame of the parent's size in a
 * vfork child (on the parent's stack) would be probed page by page where
 * the compiler guards against stack clashes. */
#define TOUCH_STACK_(name, bytes)                                   \
	static __attribute__((noinline)) void name(void)            \
	{                                                           \
		volatile char buf[bytes];                           \
		for (size_t i = 0; i < sizeof(buf); i += 64)        \
			buf[i] = 0;                                 \
	}
TOUCH_STACK_(touch_stack, STACK_TOUCH)
TOUCH_STACK_(touch_stack_parent, STACK_TOUCH_PARENT)
#undef TOUCH_STACK_

/* Never instrumented: under ASan each store would first read the
 * region's shadow, and those shadow pages would fault in the window too. */
__attribute__((noinline, no_sanitize_address)) void host_window_run(const struct host_writes *w,
								  struct host_window_out *out)
{
	struct rusage r0, r1;
	memset(&r0, 0, sizeof(r0));
	memset(&r1, 0, sizeof(r1));
	getrusage(RUSAGE_THREAD, &r0);
	uint64_t t0 = cb_now_ns();
	for (uint64_t i = 0; i < w->n; i++) {
		volatile char *p = w->region + ((uint64_t)w->pages[i] << 12);
		uint64_t a = host_wtime_now(w->timer);
		*p = (char)w->value;
		uint64_t b = host_wtime_now(w->timer);
		w->lat[i] = b - a > UINT32_MAX ? UINT32_MAX : (uint32_t)(b - a);
	}
	uint64_t t1 = cb_now_ns();
	getrusage(RUSAGE_THREAD, &r1);
	out->ns = t1 - t0;
	out->faults = (uint64_t)(r1.ru_minflt - r0.ru_minflt);
}

void host_window_prepare(const struct host_writes *w, bool parent)
{
	if (parent)
		touch_stack_parent();
	else
		touch_stack();
	/* errno lives in the thread's TLS block, a private page: a futex
	 * wait that returns EAGAIN writes it, and would copy it in the middle
	 * of what is counted */
	errno = 0;
	for (uint64_t i = 0; i < w->n; i += 4096 / sizeof(*w->lat))
		w->lat[i] = 0;
	volatile char warm[64];
	static const uint32_t first = 0;
	struct host_writes dry = *w;
	dry.region = warm;
	dry.pages = &first;
	dry.n = 1;
	struct host_window_out out;
	host_window_run(&dry, &out);
}
