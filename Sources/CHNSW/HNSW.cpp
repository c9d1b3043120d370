// The C++ side of CHNSW.h: one hnswlib index of squared Euclidean distances per handle.
#include "CHNSW.h"

#include <hnswlib/hnswlib.h>

#include <cstdio>
#include <queue>
#include <utility>
#include <vector>
#include <exception>
#include <new>

struct hnsw_index {
    hnswlib::L2Space space;
    hnswlib::HierarchicalNSW<float> graph;
    hnsw_index(int32_t dimensions, int64_t capacity, int32_t links, int32_t breadth, uint64_t seed)
        : space(static_cast<size_t>(dimensions)),
          graph(&space, static_cast<size_t>(capacity), static_cast<size_t>(links), static_cast<size_t>(breadth),
                static_cast<size_t>(seed)) {}
};

static void describe(const char *what, char *message, size_t size) {
    if (message != nullptr && size > 0) std::snprintf(message, size, "%s", what);
}

hnsw_index *hnsw_create(int32_t dimensions, int64_t capacity, int32_t links, int32_t construction_breadth,
                        uint64_t seed, char *message, size_t message_size) {
    if (dimensions < 1 || capacity < 1 || links < 2 || construction_breadth < 1) {
        describe("invalid index parameters", message, message_size);
        return nullptr;
    }
    try {
        return new hnsw_index(dimensions, capacity, links, construction_breadth, seed);
    } catch (const std::bad_alloc &) {
        describe("not enough memory for the index", message, message_size);
    } catch (const std::exception &e) {
        describe(e.what(), message, message_size);
    }
    return nullptr;
}

void hnsw_free(hnsw_index *index) { delete index; }

int32_t hnsw_add(hnsw_index *index, const float *point, int64_t label, char *message, size_t message_size) {
    try {
        index->graph.addPoint(point, static_cast<hnswlib::labeltype>(label));
        return 0;
    } catch (const std::bad_alloc &) {
        describe("not enough memory for the index", message, message_size);
    } catch (const std::exception &e) {
        describe(e.what(), message, message_size);
    }
    return -1;
}

void hnsw_set_search_breadth(hnsw_index *index, int32_t breadth) {
    index->graph.setEf(static_cast<size_t>(breadth < 1 ? 1 : breadth));
}

int32_t hnsw_search(const hnsw_index *index, const float *query, int32_t k, int64_t *labels, float *squared_distances) {
    if (k < 1) return 0;
    try {
        auto found = index->graph.searchKnn(query, static_cast<size_t>(k));
        // A max-heap: the farthest comes out first, so fill from the back.
        int32_t n = static_cast<int32_t>(found.size());
        for (int32_t t = n - 1; t >= 0; t--) {
            labels[t] = static_cast<int64_t>(found.top().second);
            squared_distances[t] = found.top().first;
            found.pop();
        }
        return n;
    } catch (const std::exception &) {
        return -1;
    }
}

int32_t hnsw_search_exhaustive(const hnsw_index *index, const float *query, int32_t k, int64_t *labels,
                               float *squared_distances) {
    if (k < 1) return 0;
    const auto &g = index->graph;
    auto distance = g.fstdistfunc_;
    // The k smallest (distance, position) pairs in a max-heap: ties go to the smaller position.
    std::priority_queue<std::pair<float, size_t>> best;
    for (size_t i = 0; i < g.cur_element_count; i++) {
        float d = distance(query, g.getDataByInternalId(static_cast<hnswlib::tableint>(i)), g.dist_func_param_);
        if (best.size() < static_cast<size_t>(k)) {
            best.emplace(d, i);
        } else if (std::make_pair(d, i) < best.top()) {
            best.pop();
            best.emplace(d, i);
        }
    }
    int32_t n = static_cast<int32_t>(best.size());
    for (int32_t t = n - 1; t >= 0; t--) {
        labels[t] = static_cast<int64_t>(g.getExternalLabel(static_cast<hnswlib::tableint>(best.top().second)));
        squared_distances[t] = best.top().first;
        best.pop();
    }
    return n;
}

const float *hnsw_point(const hnsw_index *index, int64_t position) {
    if (position < 0 || static_cast<size_t>(position) >= index->graph.cur_element_count) return nullptr;
    return reinterpret_cast<const float *>(index->graph.getDataByInternalId(static_cast<hnswlib::tableint>(position)));
}

int64_t hnsw_count(const hnsw_index *index) { return static_cast<int64_t>(index->graph.cur_element_count); }

int64_t hnsw_memory_bytes(const hnsw_index *index) {
    const auto &g = index->graph;
    int64_t perPoint = static_cast<int64_t>(g.size_data_per_element_) + static_cast<int64_t>(sizeof(void *)) +
                       static_cast<int64_t>(sizeof(int)) + static_cast<int64_t>(sizeof(std::mutex));
    int64_t upper = 0;
    for (size_t i = 0; i < g.cur_element_count; i++) {
        upper += static_cast<int64_t>(g.element_levels_[i]) * static_cast<int64_t>(g.size_links_per_element_);
    }
    return perPoint * static_cast<int64_t>(g.max_elements_) + upper;
}
