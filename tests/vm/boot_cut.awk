# Where boot B's rows lie in one of `cowbench vm`'s files, for cutting a
# finished run back to what a SIGKILL in the middle of B's appends leaves.
#   awk -v b=B -v id=boot FILE          (vm.csv, vm-boots.csv, vm-results.csv)
#   awk -v b=B -v id=sample vm.csv FILE (vm-stats.csv: samples map to boots)
# prints "LO HI MID": the byte offsets where the rows of the boots before B
# end, where B's end, and a row boundary strictly between them (LO if B
# has fewer than two rows).  The id columns hold no commas, nor does any
# column before them, so a plain split finds them (checked on the header).
BEGIN { FS = ","; maps = ARGC == 3 }
FNR == 1 {
	for (i = 1; i <= NF; i++) col[FILENAME, $i] = i
	if (maps && FILENAME == ARGV[1]) { sc = col[FILENAME, "sample"]; bc = col[FILENAME, "boot"] }
	else { ic = col[FILENAME, id]; lo = hi = length($0) + 1 }
	if ((maps && FILENAME == ARGV[1] && (!sc || bc != NF)) || (!(maps && FILENAME == ARGV[1]) && !ic)) {
		print "boot_cut.awk: no id column in " FILENAME > "/dev/stderr"; exit 2
	}
	next
}
maps && FILENAME == ARGV[1] { boot_of[$sc] = $bc; next }
{
	x = maps ? boot_of[$ic] : $ic
	n = length($0) + 1
	if (x + 0 < b + 0) { lo += n; hi = lo }
	else if (x + 0 == b + 0) { hi += n; if (!mid && hi - n > lo) mid = hi - n }
}
END { print lo, hi, (mid ? mid : lo) }
