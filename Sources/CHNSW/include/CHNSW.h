// A C interface to hnswlib's hierarchical navigable small-world graph (Malkov & Yashunin 2018),
// Debian's header-only libhnswlib-dev. Swift sees only this header; HNSW.cpp holds the C++.
//
// An index stores copies of its points (squared Euclidean distance). Adding points is
// single-threaded: the graph then depends only on the points, their order and the seed.
// Searching is read-only and may run on many threads at once, but not while points are added or
// the search breadth is changed.
#ifndef CHNSW_H
#define CHNSW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hnsw_index hnsw_index;

/// A new, empty index for up to `capacity` points of `dimensions` floats, with `links` graph
/// neighbours per point (hnswlib's M; 2·M on the bottom layer), a candidate list of
/// `construction_breadth` while inserting (efConstruction) and `seed` for the layer draws.
/// Returns NULL and writes a message into `message` (of `message_size` bytes) on failure.
hnsw_index *hnsw_create(int32_t dimensions, int64_t capacity, int32_t links, int32_t construction_breadth,
                        uint64_t seed, char *message, size_t message_size);

/// Frees the index (NULL is ignored).
void hnsw_free(hnsw_index *index);

/// Inserts `point` (`dimensions` floats) under `label`. Returns 0, or -1 with a message.
int32_t hnsw_add(hnsw_index *index, const float *point, int64_t label, char *message, size_t message_size);

/// Sets the candidate list length of later searches (efSearch; a search for k uses max(k, it)).
void hnsw_set_search_breadth(hnsw_index *index, int32_t breadth);

/// The `k` nearest stored points to `query`: their labels and squared distances, nearest first.
/// Returns how many were found (fewer than k only when the index holds fewer points), or -1.
int32_t hnsw_search(const hnsw_index *index, const float *query, int32_t k, int64_t *labels, float *squared_distances);

/// As hnsw_search, but by comparing `query` with every stored point: the exact answer, for the
/// rare query whose graph search finds fewer than k points (a graph split by very small settings).
int32_t hnsw_search_exhaustive(const hnsw_index *index, const float *query, int32_t k, int64_t *labels,
                               float *squared_distances);

/// The stored copy of the point inserted `position`-th (0-based; `dimensions` floats), or NULL
/// when there is no such point.
const float *hnsw_point(const hnsw_index *index, int64_t position);

/// The number of points stored.
int64_t hnsw_count(const hnsw_index *index);

/// Bytes the index allocated for its graph and point copies (an estimate from its layout).
int64_t hnsw_memory_bytes(const hnsw_index *index);

#ifdef __cplusplus
}
#endif

#endif
