/* Checks that PNG files are PNG: the 8-byte signature, then an IHDR chunk
 * of 13 bytes with a non-zero size, a valid bit depth / colour type pair,
 * and a CRC that matches.  Prints what is wrong; exit 1 if anything is.
 *   plotcheck FILE.png...                                                  */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t crc32_png(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return c ^ 0xffffffffu;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *check(const char *path)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	unsigned char b[8 + 8 + 13 + 4];
	FILE *f = fopen(path, "rb");
	if (!f)
		return "cannot open";
	size_t n = fread(b, 1, sizeof(b), f);
	fclose(f);
	if (n < sizeof(b))
		return "shorter than a signature and an IHDR chunk";
	if (memcmp(b, sig, 8))
		return "no PNG signature";
	if (be32(b + 8) != 13 || memcmp(b + 12, "IHDR", 4))
		return "first chunk is not a 13-byte IHDR";
	const unsigned char *h = b + 16;
	if (!be32(h) || !be32(h + 4))
		return "zero width or height";
	int depth = h[8], type = h[9];
	static const struct {
		int type;
		const char *depths;
	} ok[] = {{0, "\1\2\4\10\20"}, {2, "\10\20"}, {3, "\1\2\4\10"}, {4, "\10\20"}, {6, "\10\20"}};
	const char *depths = NULL;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ok[i].type == type)
			depths = ok[i].depths;
	if (!depths || !memchr(depths, depth, strlen(depths)))
		return "invalid bit depth / colour type";
	if (h[10] || h[11] || h[12] > 1)
		return "invalid compression, filter or interlace method";
	if (crc32_png(b + 12, 4 + 13) != be32(b + 29))
		return "IHDR CRC mismatch";
	return NULL;
}

int main(int argc, char **argv)
{
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		const char *why = check(argv[i]);
		if (why) {
			printf("%s: %s\n", argv[i], why);
			bad = 1;
		}
	}
	return bad;
}
