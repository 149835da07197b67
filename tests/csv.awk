# Rows of a CSV file (RFC 4180: quoted commas, quotes and all) picked by
# column values, for the shell tests (tests/vm/vmlib.sh, tests/nested/lib.sh).
#   awk -v want=COL -v filters="K=V ..." -f csv.awk FILE
# prints COL of every row whose columns K equal V, one per line; with
# want="" it prints the number of such rows; with want="*", every column
# but those named in drop="A,B", joined by "|" (a row whose field count is
# not the header's prints as "torn: ..." instead).  A named column that
# does not exist: a message on stderr, exit 2, nothing printed.
function split_csv(line, f,    n, i, c, q, cur) {
	n = 0; cur = ""; q = 0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c == "\"") {
				if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ }
				else q = 0
			} else cur = cur c
		} else if (c == "\"") q = 1
		else if (c == ",") { f[++n] = cur; cur = "" }
		else cur = cur c
	}
	f[++n] = cur
	return n
}
NR == 1 {
	nh = split_csv($0, h)
	for (i = 1; i <= nh; i++) col[h[i]] = i
	nf = split(filters, fl, " ")
	for (i = 1; i <= nf; i++) {
		eq = index(fl[i], "=")
		fk[i] = substr(fl[i], 1, eq - 1); fv[i] = substr(fl[i], eq + 1)
		if (!(fk[i] in col)) { print "no column " fk[i] > "/dev/stderr"; bad = 1; exit 2 }
	}
	nd = split(drop, dl, ",")
	for (i = 1; i <= nd; i++) {
		if (!(dl[i] in col)) { print "no column " dl[i] > "/dev/stderr"; bad = 1; exit 2 }
		dropped[col[dl[i]]] = 1
	}
	if (want != "" && want != "*" && !(want in col)) {
		print "no column " want > "/dev/stderr"; bad = 1; exit 2
	}
	next
}
{
	n_r = split_csv($0, r)
	for (i = 1; i <= nf; i++) if (r[col[fk[i]]] != fv[i]) next
	if (want == "*") {
		line = ""
		for (i = 1; i <= nh; i++) if (!(i in dropped)) line = line "|" r[i]
		print (n_r == nh ? "" : "torn: ") substr(line, 2)
	} else if (want != "") print r[col[want]]; else n++
}
END { if (want == "" && !bad) print n + 0 }
