/* The arena: realloc's contract, reuse of freed blocks, a memstream that
 * says what was written, and a fork child that has none of it. */
#include <errno.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "nofork.h"

static void contract(void)
{
	unsigned char *p = nofork_realloc(NULL, 100);
	CHECK(nofork_owns(p));
	CHECK(((uintptr_t)p & 15) == 0);
	for (int i = 0; i < 100; i++)
		p[i] = (unsigned char)i;
	unsigned char *q = nofork_realloc(p, 100000);
	CHECK(nofork_owns(q));
	int same = 1;
	for (int i = 0; i < 100; i++)
		same &= q[i] == (unsigned char)i;
	CHECK(same);
	/* the block p was is free again: the next of its size is that one */
	void *r = nofork_realloc(NULL, 100);
	CHECK(r == p);
	/* shrinking keeps the block */
	CHECK(nofork_realloc(q, 10) == q);
	nofork_free(q);
	nofork_free(r);
	nofork_free(NULL);
	/* malloc's pointers stay malloc's */
	void *m = malloc(32);
	CHECK(!nofork_owns(m));
	m = nofork_realloc(m, 64);
	CHECK(!nofork_owns(m));
	nofork_free(m);
	/* larger than the arena: from malloc (address space only), freed there */
	void *big = nofork_realloc(NULL, (size_t)6 << 30);
	CHECK(big && !nofork_owns(big));
	nofork_free(big);
}

static void stream(void)
{
	char *buf;
	size_t len;
	FILE *fp = nofork_memstream(&buf, &len);
	CHECK(fp != NULL);
	CHECK(buf != NULL && len == 0 && buf[0] == '\0');
	size_t want = 0;
	for (int i = 0; i < 50000; i++)
		want += (size_t)fprintf(fp, "%d,", i);
	fflush(fp);
	CHECK_EQ_U64(len, want);
	CHECK(nofork_owns(buf));
	CHECK(!strncmp(buf, "0,1,2,", 6));
	CHECK(!strcmp(buf + len - 6, "49999,"));
	fclose(fp);
	CHECK_EQ_U64(strlen(buf), want);
	nofork_free(buf);
}

/* The child of fork has no arena: mincore on its pages says they are not
 * mapped (ENOMEM), where the parent's are. */
static void not_in_child(void)
{
	char *p = nofork_realloc(NULL, 8192);
	memset(p, 1, 8192);
	long page = sysconf(_SC_PAGESIZE);
	void *base = (void *)((uintptr_t)p & ~(uintptr_t)(page - 1));
	unsigned char vec[4];
	CHECK(mincore(base, (size_t)page, vec) == 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(mincore(base, (size_t)page, vec) < 0 && errno == ENOMEM ? 0 : 1);
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	nofork_free(p);
}

int main(void)
{
	contract();
	stream();
	not_in_child();
	return check_done();
}
