/* Result files are checked against the schema before any statistic. */
#include "check.h"
#include "run.h"

#include <unistd.h>

static int check_text(const char *file, const char *text, cb_error *e)
{
	struct csv_table *t = csv_parse(text, strlen(text), file, e);
	if (!t)
		return -2;
	int rc = run_check_table(t, file, e);
	csv_free(t);
	return rc;
}

int main(void)
{
	cb_error e;
	const char *head = "primitive,page_mode,mem_bytes,dirty_pages,rep,create_ns,child_start_ns,"
			   "total_ns,cow_ns\n";
	char buf[1024];
	snprintf(buf, sizeof(buf), "%sfork,4k,4096,0,0,100,200,300,\n", head);
	CHECK(check_text("host.csv", buf, &e) == 0);
	/* non-numeric field */
	snprintf(buf, sizeof(buf), "%sfork,4k,4096,0,0,100,200,300,\nfork,4k,4096,0,1,abc,200,300,\n", head);
	CHECK(check_text("host.csv", buf, &e) == -1);
	CHECK(strstr(e.msg, "row 2") && strstr(e.msg, "create_ns") && strstr(e.msg, "'abc'"));
	/* a trailing unit is not a number either */
	snprintf(buf, sizeof(buf), "%sfork,4k,4096,0,0,100ns,200,300,\n", head);
	CHECK(check_text("host.csv", buf, &e) == -1);
	/* the round and probe columns are optional (older runs lack them),
	 * and checked when present */
	const char *newer = "primitive,page_mode,mem_bytes,dirty_pages,rep,round,create_ns,"
			    "child_start_ns,total_ns,cow_ns,probe_cpu_ns,probe_mem_ns\n";
	snprintf(buf, sizeof(buf), "%sfork,4k,4096,0,0,1,100,200,300,,1290,1650\n", newer);
	CHECK(check_text("host.csv", buf, &e) == 0);
	snprintf(buf, sizeof(buf), "%sfork,4k,4096,0,0,first,100,200,300,,1290,1650\n", newer);
	CHECK(check_text("host.csv", buf, &e) == -1);
	CHECK(strstr(e.msg, "round") != NULL);
	const char *sum_new = "primitive,page_mode,mem_bytes,dirty_pages,metric,n,median,ci_lo,ci_hi,"
			      "converged,rounds,seed,rounds_agree\n";
	snprintf(buf, sizeof(buf), "%sfork,4k,0,0,create_norm,3,1,1,1,false,6,42,false\n", sum_new);
	CHECK(check_text("host-summary.csv", buf, &e) == 0);
	snprintf(buf, sizeof(buf), "%sfork,4k,0,0,create_norm,3,1,1,1,false,6,42,perhaps\n", sum_new);
	CHECK(check_text("host-summary.csv", buf, &e) == -1);
	CHECK(strstr(e.msg, "rounds_agree") != NULL);
	/* wrong header: a required column missing */
	CHECK(check_text("host.csv", "primitive,page_mode,mem_bytes\nfork,4k,1\n", &e) == -1);
	CHECK(strstr(e.msg, "dirty_pages") != NULL);
	/* empty key */
	snprintf(buf, sizeof(buf), "%s,4k,4096,0,0,100,200,300,\n", head);
	CHECK(check_text("host.csv", buf, &e) == -1);
	CHECK(strstr(e.msg, "primitive") != NULL);
	CHECK(check_text("vm-stats.csv", "sample,phase,source,stat,delta\n1,dirty,vcpu,exits,4\n", &e) == 0);
	/* booleans */
	const char *sum = "primitive,page_mode,mem_bytes,dirty_pages,metric,n,median,ci_lo,ci_hi,"
			  "converged\nfork,4k,0,0,create_ns,3,1,1,1,maybe\n";
	CHECK(check_text("host-summary.csv", sum, &e) == -1);
	CHECK(strstr(e.msg, "true or false") != NULL);
	/* qemu-crosscheck.csv: the columns the report reads */
	const char *xhead = "source,run,scope,mmu,startup_ns,cow_copies,exits_net,pf_taken,pf_guest,"
			    "invlpg\n";
	snprintf(buf, sizeof(buf), "%sqemu,diff,run,pvm-shadow,,32,189,100,64,64\n", xhead);
	CHECK(check_text("qemu-crosscheck.csv", buf, &e) == 0);
	snprintf(buf, sizeof(buf), "%sqemu,diff,run,pvm-shadow,,32,lots,100,64,64\n", xhead);
	CHECK(check_text("qemu-crosscheck.csv", buf, &e) == -1);
	CHECK(strstr(e.msg, "qemu-crosscheck.csv: row 1: column exits_net") != NULL);
	CHECK(check_text("qemu-crosscheck.csv", "source,run\nqemu,diff\n", &e) == -1);
	CHECK(strstr(e.msg, "scope") != NULL);
	/* unknown files are not judged */
	CHECK(check_text("other.csv", "a\nb\n", &e) == 0);
	CHECK(run_true("true") && !run_true("false") && !run_true("") && !run_true(NULL));

	/* the configuration keys: vm.csv's with the phase last */
	size_t nk = 0;
	while (run_vm_keys[nk])
		nk++;
	CHECK(nk == 10);
	for (size_t i = 0; i < nk; i++)
		CHECK_STR(run_vm_phase_keys[i], run_vm_keys[i]);
	CHECK_STR(run_vm_phase_keys[nk], "phase");
	CHECK(run_vm_phase_keys[nk + 1] == NULL);
	CHECK_STR(run_host_keys[0], "primitive");
	/* the host dimensions: keys when present, with their defaults known */
	CHECK_STR(run_host_keys[4], "writer");
	CHECK_STR(run_host_dim_default("writer"), "child");
	CHECK_STR(run_host_dim_default("vmas"), "1");
	CHECK(run_host_dim_default("mem_bytes") == NULL);
	const char *dims = "primitive,page_mode,mem_bytes,dirty_pages,writer,pattern,threads,vmas,rep,"
			   "create_ns,child_start_ns,total_ns,cow_ns\n";
	snprintf(buf, sizeof(buf), "%sfork,4k,4096,16,parent,sparse,2,4,0,100,200,,\n", dims);
	CHECK(check_text("host.csv", buf, &e) == 0);
	snprintf(buf, sizeof(buf), "%sfork,4k,4096,16,,sparse,2,4,0,100,200,,\n", dims);
	CHECK(check_text("host.csv", buf, &e) == -1);
	CHECK(strstr(e.msg, "writer") != NULL);
	const char *wh = "primitive,page_mode,mem_bytes,dirty_pages,round,bucket_lo_ns,bucket_hi_ns,count\n";
	snprintf(buf, sizeof(buf), "%sfork,4k,4096,16,1,2048,2233.36,5\n", wh);
	CHECK(check_text("host-writes.csv", buf, &e) == 0);
	snprintf(buf, sizeof(buf), "%sfork,4k,4096,16,1,2048,2233.36,many\n", wh);
	CHECK(check_text("host-writes.csv", buf, &e) == -1);

	/* run_load: a missing directory, a folder without results */
	struct run r;
	CHECK(run_load("/nonexistent/cowbench", &r, &e) < 0);
	char tmpl[] = "/tmp/cb-test-run-XXXXXX";
	char *dir = mkdtemp(tmpl);
	CHECK(dir != NULL);
	CHECK(run_load(dir, &r, &e) < 0);
	CHECK(strstr(e.msg, "no result files") != NULL);
	rmdir(dir);

	json_t *meta = json_pack("{s:{s:s,s:{s:b}}}", "kvm", "mmu", "ept", "x", "y", 1);
	CHECK_STR(run_meta_str(meta, "kvm.mmu"), "ept");
	CHECK(run_meta_str(meta, "kvm.nope") == NULL);
	CHECK(json_is_true(run_meta_get(meta, "kvm.x.y")));
	json_decref(meta);
	return check_done();
}
