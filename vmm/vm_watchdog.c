#include "vm_watchdog.h"

#include "vm_sizing.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#define KICK_SIGNAL SIGUSR1

static void on_kick(int sig)
{
	(void)sig; /* its only job is to make KVM_RUN return EINTR */
}

static void install_once(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick;
	sigemptyset(&sa.sa_mask);
	/* KVM_RUN returns EINTR whatever SA_RESTART says; SA_RESTART keeps the
	 * kick from breaking a stderr write elsewhere. */
	sa.sa_flags = SA_RESTART;
	sigaction(KICK_SIGNAL, &sa, NULL);
}

static void install_handler(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, install_once);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *watch(void *arg)
{
	struct vm_watchdog *w = arg;
	pthread_mutex_lock(&w->lock);
	uint64_t wake = w->deadline_ns;
	while (!w->stop) {
		struct timespec ts = {(time_t)(wake / 1000000000ull), (long)(wake % 1000000000ull)};
		int rc = pthread_cond_timedwait(&w->cond, &w->lock, &ts);
		if (w->stop || rc != ETIMEDOUT)
			continue;
		atomic_store(w->fired, true);
		__atomic_store_n(&w->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(w->target, KICK_SIGNAL);
		wake = mono_ns() + 100000000ull;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int vm_watchdog_start(struct vm_watchdog *w, double seconds, struct kvm_run *run,
		      atomic_bool *fired, cb_error *e)
{
	install_handler();
	memset(w, 0, sizeof(*w));
	w->target = pthread_self();
	w->run = run;
	w->fired = fired;
	w->deadline_ns = cb_sat_add(mono_ns(), vm_seconds_to_ns(seconds));
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&w->lock, NULL);
	int rc = pthread_create(&w->thread, NULL, watch, w);
	if (rc != 0) {
		errno = rc;
		cb_error_errno(e, "cannot start the watchdog thread");
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
		return -1;
	}
	w->started = true;
	return 0;
}

void vm_watchdog_stop(struct vm_watchdog *w)
{
	if (!w->started)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	w->started = false;
}
