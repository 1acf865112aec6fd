#pragma once
// Graphviz, for node positions only (the view draws edges itself). Graphviz's
// cgraph/gvc C API is not thread-safe, so every layout runs under one
// process-wide mutex, and the asynchronous entry point queues layouts on one
// dedicated worker thread: the GUI thread never waits for a layout.
//
// Layouts are cached per (trace path, program hash, mode, graph size): a
// trace's graph is laid out once per aggregation mode; moving the cursor
// never re-lays out.

#include "ActorGraphModel.h"

#include <QFuture>
#include <QString>

#include <expected>
#include <memory>
#include <string>
#include <vector>

namespace aeroflow::timeline {

enum class LayoutAlgorithm {
    Auto, ///< dot for small graphs (<= kDotMaxNodes nodes), sfdp past that
    Dot,
    Sfdp,
};

/// A node: its centre, in points (1/72 inch), y pointing down, and the half
/// size the layout reserved for it.
struct LayoutPoint {
    double x = 0, y = 0;
    double halfWidth = 18, halfHeight = 14;
};

struct GraphLayout {
    std::vector<LayoutPoint> nodes; ///< per node of the topology, same order
    double width = 0, height = 0;   ///< bounding box; positions lie in [0, width] x [0, height]
    LayoutAlgorithm algorithm = LayoutAlgorithm::Dot;
    double seconds = 0;             ///< time Graphviz took (for the benchmark and the status line)
};

using LayoutResult = std::expected<std::shared_ptr<const GraphLayout>, std::string>;

class GraphLayoutEngine {
public:
    /// Auto picks dot up to this many nodes (and kDotMaxEdges edges).
    static constexpr size_t kDotMaxNodes = 300;
    static constexpr size_t kDotMaxEdges = 3000;

    /// Lays `topology` out now, on the calling thread (serialized with every
    /// other layout of the process). Errors from Graphviz come back as text.
    static LayoutResult layout(const GraphTopology& topology, LayoutAlgorithm algorithm = LayoutAlgorithm::Auto);

    /// The algorithm Auto resolves to for a graph of that size.
    static LayoutAlgorithm resolve(const GraphTopology& topology, LayoutAlgorithm algorithm);

    /// Lays out on the layout worker thread; a cached result for `key` is
    /// returned at once (as a finished future). Thread-safe.
    static QFuture<LayoutResult> layoutAsync(const QString& key, std::shared_ptr<const GraphTopology> topology,
                                             LayoutAlgorithm algorithm = LayoutAlgorithm::Auto);

    /// The cache key of a trace's graph in one mode.
    static QString cacheKey(const QString& tracePath, uint64_t programHash, const GraphTopology& topology);
    /// A cached layout, or null.
    static std::shared_ptr<const GraphLayout> cached(const QString& key);
    static void clearCache();
};

} // namespace aeroflow::timeline
