/*
 * libFuzzer target: the series readers of `wormcast fit` (model/series.c,
 * and model/dataset.c for CAIDA's and DShield's data sets). The first byte
 * picks the options (counts auto, cumulative or interval; a named count
 * column or none; a kind or none; the format: sniffed, CSV, CAIDA or
 * DShield); the rest is a whole file, read through fmemopen. Every input must be read or refused
 * without a crash, a leak or undefined behaviour; a series that is read must keep the contract the
 * fit relies on: at least WC_SERIES_MIN_POINTS points, times finite and strictly increasing from a
 * non-negative origin, counts finite and non-negative, a cumulative column never decreasing; a
 * refusal must carry a message and the input-error status. Corpus: tests/corpus/series (make fuzz
 * runs it for a bounded time).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/dataset.h"
#include "model/series.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_series(const wc_series *s)
{
	if (s->n < WC_SERIES_MIN_POINTS || s->counts == WC_COUNTS_AUTO || s->time_unit == NULL)
		abort();
	for (size_t i = 0; i < s->n; i++) {
		if (!isfinite(s->t[i]) || !(s->t[i] >= 0) || !isfinite(s->y[i]) || !(s->y[i] >= 0))
			abort();
		if (i > 0 && !(s->t[i] > s->t[i - 1]))
			abort();
		if (i > 0 && s->counts == WC_COUNTS_CUMULATIVE && s->y[i] < s->y[i - 1])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const wc_counts counts[3] = {WC_COUNTS_AUTO, WC_COUNTS_CUMULATIVE,
					    WC_COUNTS_INTERVAL};
	wc_series_options opt = {NULL, NULL, counts[data[0] % 3]};
	if (data[0] & 0x10)
		opt.column = "new";
	if (data[0] & 0x20)
		opt.kind = "codered";
	/* A copy of exactly size-1 bytes, so reading past the end is caught. */
	size_t n = size - 1;
	char *buf = malloc(n ? n : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, n);
	FILE *fp = n ? fmemopen(buf, n, "r") : fmemopen(NULL, 1, "r");
	if (fp == NULL) {
		free(buf);
		return 0;
	}
	wc_series s;
	wc_error err = {0};
	static const wc_series_format formats[4] = {WC_SERIES_AUTO, WC_SERIES_CSV, WC_SERIES_CAIDA,
						    WC_SERIES_DSHIELD};
	if (wc_dataset_read(&s, fp, "fuzz.csv", formats[data[0] >> 6], &opt, WC_DATASET_BIN_DEFAULT,
			    NULL, &err) == 0) {
		check_series(&s);
		wc_series_free(&s);
	} else if (err.code != WC_EXIT_USAGE && err.code != WC_EXIT_RUNTIME) {
		abort();
	} else if (err.msg[0] == '\0' || s.t != NULL) {
		abort();
	}
	fclose(fp);
	free(buf);
	return 0;
}
