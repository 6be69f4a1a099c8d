/*
 * mpicalls.h — Open MPI, loaded when the program finds itself started by an
 * MPI launcher (core/dynlib.h says why: its libraries took 2–3 ms of every
 * start, though only ranks use them). sched.c includes this instead of
 * <mpi.h> and calls MPI as usual: each function it uses, and each of Open
 * MPI's predefined handles (the address of a global of the library), is
 * redirected through a table that wc_mpicalls_load fills.
 *
 * Another MPI's handles are constants, not addresses: there the program is
 * linked to the library as usual and loading is a no-op.
 */
#ifndef WC_ENSEMBLE_MPICALLS_H
#define WC_ENSEMBLE_MPICALLS_H

#include <mpi.h>

#include "core/error.h"

/* Loads MPI once; 0, or -1 with err set when it cannot be loaded. */
int wc_mpicalls_load(wc_error *err);

#ifdef OPEN_MPI
#define WC_MPICALLS(X)                                                                             \
	X(MPI_Init_thread)                                                                         \
	X(MPI_Finalize)                                                                            \
	X(MPI_Comm_rank)                                                                           \
	X(MPI_Comm_size)                                                                           \
	X(MPI_Send)                                                                                \
	X(MPI_Recv)                                                                                \
	X(MPI_Isend)                                                                               \
	X(MPI_Irecv)                                                                               \
	X(MPI_Wait)                                                                                \
	X(MPI_Waitall)                                                                             \
	X(MPI_Get_count)                                                                           \
	X(MPI_Probe)                                                                               \
	X(MPI_Iprobe)                                                                              \
	X(MPI_Bcast)
#define WC_MPIGLOBALS(X)                                                                           \
	X(ompi_mpi_comm_world)                                                                     \
	X(ompi_request_null)                                                                       \
	X(ompi_mpi_byte)                                                                           \
	X(ompi_mpi_int)                                                                            \
	X(ompi_mpi_uint64_t)

typedef struct wc_mpicalls {
#define WC_MPICALLS_MEMBER(name) __typeof__(name) *name;
	WC_MPICALLS(WC_MPICALLS_MEMBER)
#undef WC_MPICALLS_MEMBER
#define WC_MPIGLOBALS_MEMBER(name) void *name;
	WC_MPIGLOBALS(WC_MPIGLOBALS_MEMBER)
#undef WC_MPIGLOBALS_MEMBER
} wc_mpicalls;

/* The table; only after wc_mpicalls_load has returned 0. */
const wc_mpicalls *wc_mpicalls_table(void);

#ifndef WC_MPICALLS_TABLE
#define MPI_Init_thread (wc_mpicalls_table()->MPI_Init_thread)
#define MPI_Finalize	(wc_mpicalls_table()->MPI_Finalize)
#define MPI_Comm_rank	(wc_mpicalls_table()->MPI_Comm_rank)
#define MPI_Comm_size	(wc_mpicalls_table()->MPI_Comm_size)
#define MPI_Send	(wc_mpicalls_table()->MPI_Send)
#define MPI_Recv	(wc_mpicalls_table()->MPI_Recv)
#define MPI_Isend	(wc_mpicalls_table()->MPI_Isend)
#define MPI_Irecv	(wc_mpicalls_table()->MPI_Irecv)
#define MPI_Wait	(wc_mpicalls_table()->MPI_Wait)
#define MPI_Waitall	(wc_mpicalls_table()->MPI_Waitall)
#define MPI_Get_count	(wc_mpicalls_table()->MPI_Get_count)
#define MPI_Probe	(wc_mpicalls_table()->MPI_Probe)
#define MPI_Iprobe	(wc_mpicalls_table()->MPI_Iprobe)
#define MPI_Bcast	(wc_mpicalls_table()->MPI_Bcast)
/* mpi.h takes a handle's address, &(global): the global becomes the object
 * the table points at */
#define ompi_mpi_comm_world                                                                        \
	(*(struct ompi_predefined_communicator_t *)wc_mpicalls_table()->ompi_mpi_comm_world)
#define ompi_request_null                                                                          \
	(*(struct ompi_predefined_request_t *)wc_mpicalls_table()->ompi_request_null)
#define ompi_mpi_byte (*(struct ompi_predefined_datatype_t *)wc_mpicalls_table()->ompi_mpi_byte)
#define ompi_mpi_int  (*(struct ompi_predefined_datatype_t *)wc_mpicalls_table()->ompi_mpi_int)
#define ompi_mpi_uint64_t                                                                          \
	(*(struct ompi_predefined_datatype_t *)wc_mpicalls_table()->ompi_mpi_uint64_t)
#endif
#endif

#endif
