/*
 * wormcast.h — the wormcast library: simulate a worm outbreak, read a
 * timeline, classify a web-log line, fit an epidemic model to a series.
 *
 * Link with `pkg-config --cflags --libs wormcast` (add --static for
 * libwormcast.a). This is the whole public interface: every type is either
 * opaque (a handle made and freed by the library) or plain data declared here,
 * so the library's internals can change without breaking a program built
 * against it. Every other symbol in libwormcast is private.
 *
 * Errors. A function that can fail returns WORMCAST_OK (0) or an error code,
 * and, when err is not NULL, fills *err with the code and a complete sentence
 * naming the file, line and field at fault, as the wormcast program prints
 * it. WORMCAST_ERR_USAGE means the input is wrong (fix and retry: the
 * program exits 2 for it); WORMCAST_ERR_RUNTIME means the run failed
 * (I/O). Output handles are NULL after a failure. Running out of memory ends
 * the process with status 1, as the wormcast program does.
 *
 * Determinism. The same scenario, overrides and seed give the same timeline,
 * whatever the thread count, and the same as `wormcast run SCENARIO --seed N`
 * writes to timeline.csv.
 *
 * Threads. Handles are not shared between threads without a lock; distinct
 * handles may be used from distinct threads.
 */
#ifndef WORMCAST_WORMCAST_H
#define WORMCAST_WORMCAST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the exported functions (the shared library hides everything else). */
#if defined(__GNUC__) || defined(__clang__)
#define WC_API __attribute__((visibility("default")))
#else
#define WC_API
#endif

enum {
	WORMCAST_OK = 0,
	WORMCAST_ERR_RUNTIME = 1, /* the run failed: I/O */
	WORMCAST_ERR_USAGE = 2,	  /* the input is wrong: a scenario, a file, an argument */
};

typedef struct wormcast_error {
	int code;	    /* WORMCAST_OK while no error */
	char message[1024]; /* one sentence, no trailing newline; "" while no error */
} wormcast_error;

/* The library's version, "MAJOR.MINOR.PATCH[-dev]" (static storage). */
WC_API const char *wormcast_version(void);

/* ---- Timelines ----------------------------------------------------------
 * A table of rows in time order: each row has a time (Unix seconds, UTC: the
 * end of its interval) and one value per named column. A simulated timeline
 * has the columns of timeline.csv in their order (cumulative_infected,
 * probes, ...; docs/design.md §3.3 says what each means). Values are counts:
 * exact as doubles up to 2^53.
 */
typedef struct wormcast_timeline wormcast_timeline;

/*
 * Runs a scenario and returns its timeline in *out (free it with
 * wormcast_timeline_free). scenario is a built-in name ("codered-v2"; see
 * `wormcast scenarios`) or the path of an .ini file. overrides holds
 * noverrides "section.key=value" strings applied in order, as `--set` does
 * (NULL when noverrides is 0). seed is the run seed (`--seed`). threads is
 * the number of worker threads, 0 for one per processor; it does not change
 * the result. Returns WORMCAST_OK, or WORMCAST_ERR_USAGE for an unknown
 * scenario, a bad file or override (the message names it).
 */
WC_API int wormcast_run(const char *scenario, const char *const *overrides, size_t noverrides,
			uint64_t seed, int threads, wormcast_timeline **out, wormcast_error *err);

/*
 * Reads a timeline from a CSV file with a header line whose first column is
 * the time, as ISO 8601 UTC ("2001-07-19T12:00:00Z") or Unix seconds, and
 * whose other columns are numbers: timeline.csv from `wormcast run`, or
 * detect's and sweep's tables of the same shape. An empty cell reads as NaN.
 * Returns WORMCAST_OK, or WORMCAST_ERR_USAGE naming the file, line and column
 * of the first bad cell.
 */
WC_API int wormcast_timeline_read(const char *path, wormcast_timeline **out, wormcast_error *err);

/* Rows, and value columns (the time column not counted). */
WC_API size_t wormcast_timeline_rows(const wormcast_timeline *tl);
WC_API size_t wormcast_timeline_columns(const wormcast_timeline *tl);
/* The name of value column col (0-based), or NULL past the end. */
WC_API const char *wormcast_timeline_column_name(const wormcast_timeline *tl, size_t col);
/* The index of the column called name, or -1 if there is none. */
WC_API long wormcast_timeline_find(const wormcast_timeline *tl, const char *name);
/* The time of row (Unix seconds, UTC); 0 past the end. */
WC_API int64_t wormcast_timeline_time(const wormcast_timeline *tl, size_t row);
/* The value at (row, col); NaN past the end or for an empty cell. */
WC_API double wormcast_timeline_value(const wormcast_timeline *tl, size_t row, size_t col);
/* Frees tl (NULL is allowed). */
WC_API void wormcast_timeline_free(wormcast_timeline *tl);

/* ---- Classifying log lines ------------------------------------------------
 * The request signatures of `wormcast detect` (docs/detect.md): Code Red
 * v1/v2 (/default.ida? with 224 'N'), Code Red II (224 'X'), and Nimda's
 * probe URIs in any encoding. One line says what its request is; it cannot
 * say what its source is (detect calls a source Nimda only when it sent two
 * or more of Nimda's distinct probes).
 */
typedef enum wormcast_kind {
	WORMCAST_OTHER = 0,    /* an ordinary request, or an .ida/.idq scanner probe */
	WORMCAST_CODERED = 1,  /* Code Red v1 or v2 */
	WORMCAST_CODERED2 = 2, /* Code Red II */
	WORMCAST_NIMDA = 3,    /* one of Nimda's probe requests */
} wormcast_kind;

/* "other", "codered", "codered2", "nimda"; "?" for any other value. */
WC_API const char *wormcast_kind_name(wormcast_kind kind);

/*
 * Classifies one log line (no newline needed): an Apache/nginx common or
 * combined access-log line, an Apache error-log line, or one Zeek http.log
 * or Suricata eve.json JSON record, as `wormcast detect` sniffs them. On
 * WORMCAST_OK, *kind is what the request was and, when source is not NULL,
 * the client's address (or host name) is copied into source (size bytes,
 * NUL-terminated) for a worm's request or a scanner's probe; it is "" for an
 * ordinary request, of which detect keeps no record. A line that is not a request
 * of a log wormcast reads is WORMCAST_ERR_USAGE, naming the field at fault.
 */
WC_API int wormcast_classify_line(const char *line, wormcast_kind *kind, char *source, size_t size,
				  wormcast_error *err);

/* Classifies a request target as logged, path and query ("/default.ida?NNN").
 * Never fails. */
WC_API wormcast_kind wormcast_classify_target(const char *target);

/* ---- Fitting a series --------------------------------------------------------
 * Least-squares fits of the models of `wormcast fit` (docs/fit.md): "rcs"
 * (logistic), "two-factor", "sir", "aawp". Without a model, every model with
 * enough points is fitted and the best by AICc kept, as `wormcast fit` does.
 */
typedef struct wormcast_fit wormcast_fit;

/*
 * Fits a series read from a file as `wormcast fit FILE` reads it (a
 * timeline.csv, detect's timeline, a two-column TIME,COUNT table, CAIDA's
 * Code-Red table counted per 600 s, a DShield daily summary): column
 * names the count column (NULL: fit's own choice), model the model (NULL:
 * the best by AICc). Returns WORMCAST_OK, or WORMCAST_ERR_USAGE for a bad
 * file (file, line and field named) or a series no model fits.
 */
WC_API int wormcast_fit_file(const char *path, const char *column, const char *model,
			     wormcast_fit **out, wormcast_error *err);

/*
 * The same for n points held in arrays: times in hours (increasing), counts
 * cumulative (hosts ever seen; cumulative != 0) or new per interval ending at
 * each time (cumulative == 0).
 */
WC_API int wormcast_fit_series(const double *hours, const double *counts, size_t n, int cumulative,
			       const char *model, wormcast_fit **out, wormcast_error *err);

/* The model fitted ("rcs", ...), its points, R² of the counts, and AICc (NaN
 * when there are too few points for it). */
WC_API const char *wormcast_fit_model(const wormcast_fit *f);
WC_API size_t wormcast_fit_points(const wormcast_fit *f);
WC_API double wormcast_fit_r2(const wormcast_fit *f);
WC_API double wormcast_fit_aicc(const wormcast_fit *f);
/* 1 when the data pin down every parameter (a forecast from it means
 * something), else 0. */
WC_API int wormcast_fit_identified(const wormcast_fit *f);
/* The model's parameters: how many, the name of parameter i (as in
 * fit.json: "n", "k", "gamma"...), its unit ("1/h", "hosts", ""), its estimate, and its 95%
 * interval in *lo and *hi when those are not NULL (NaN when the data cannot
 * pin it down). NULL or NaN past the end. */
WC_API size_t wormcast_fit_params(const wormcast_fit *f);
WC_API const char *wormcast_fit_param_name(const wormcast_fit *f, size_t i);
WC_API const char *wormcast_fit_param_unit(const wormcast_fit *f, size_t i);
WC_API double wormcast_fit_param(const wormcast_fit *f, size_t i, double *lo, double *hi);
/* Frees f (NULL is allowed). */
WC_API void wormcast_fit_free(wormcast_fit *f);

#ifdef __cplusplus
}
#endif

#endif
