#include "GraphLayoutEngine.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <mutex>

namespace aeroflow::timeline {

namespace {

// Graphviz keeps global state (the context, plugin tables, error buffers):
// one mutex serializes every call into it, whichever thread makes it.
std::mutex& graphvizMutex()
{
    static std::mutex m;
    return m;
}

GVC_t* graphvizContext()
{
    // Created once under the mutex and kept for the process: loading the
    // layout plugins costs more than many small layouts.
    static GVC_t* gvc = gvContext();
    return gvc;
}

// The one layout worker: queued layouts run one after another.
QThreadPool& layoutPool()
{
    static QThreadPool pool;
    static const bool once = [] {
        pool.setMaxThreadCount(1);
        return true;
    }();
    (void)once;
    return pool;
}

struct Cache {
    std::mutex mutex;
    std::map<QString, std::shared_ptr<const GraphLayout>> entries;
    std::deque<QString> order; ///< oldest first; the cache keeps kMax entries
    static constexpr size_t kMax = 16;
};

Cache& cache()
{
    static Cache c;
    return c;
}

void remember(const QString& key, const std::shared_ptr<const GraphLayout>& layout)
{
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    if (c.entries.insert_or_assign(key, layout).second)
        c.order.push_back(key);
    while (c.order.size() > Cache::kMax) {
        c.entries.erase(c.order.front());
        c.order.pop_front();
    }
}

char* cstr(const char* s)
{
    return const_cast<char*>(s); // cgraph takes char* but does not write through it
}

struct GraphGuard {
    GVC_t* gvc = nullptr;
    Agraph_t* g = nullptr;
    bool laidOut = false;
    ~GraphGuard()
    {
        if (laidOut)
            gvFreeLayout(gvc, g);
        if (g)
            agclose(g);
    }
};

} // namespace

LayoutAlgorithm GraphLayoutEngine::resolve(const GraphTopology& topology, LayoutAlgorithm algorithm)
{
    if (algorithm != LayoutAlgorithm::Auto)
        return algorithm;
    return topology.nodes.size() <= kDotMaxNodes && topology.edges.size() <= kDotMaxEdges ? LayoutAlgorithm::Dot
                                                                                         : LayoutAlgorithm::Sfdp;
}

LayoutResult GraphLayoutEngine::layout(const GraphTopology& topology, LayoutAlgorithm algorithm)
{
    algorithm = resolve(topology, algorithm);
    const bool dot = algorithm == LayoutAlgorithm::Dot;
    auto out = std::make_shared<GraphLayout>();
    out->algorithm = algorithm;
    if (topology.nodes.empty())
        return out;

    const auto started = std::chrono::steady_clock::now();
    std::lock_guard lock(graphvizMutex());
    GraphGuard guard;
    guard.gvc = graphvizContext();
    if (!guard.gvc)
        return std::unexpected(std::string("graphviz: cannot create a context"));
    guard.g = agopen(cstr("actors"), Agdirected, nullptr);
    if (!guard.g)
        return std::unexpected(std::string("graphviz: cannot create a graph"));
    Agraph_t* g = guard.g;
    // Positions only: no labels to measure, no splines to route.
    agattr(g, AGRAPH, cstr("splines"), cstr("false"));
    agattr(g, AGNODE, cstr("label"), cstr(""));
    agattr(g, AGNODE, cstr("fixedsize"), cstr("true"));
    agattr(g, AGNODE, cstr("shape"), cstr(dot ? "box" : "circle"));
    agattr(g, AGNODE, cstr("height"), cstr(dot ? "0.4" : "0.35"));
    Agsym_t* width = agattr(g, AGNODE, cstr("width"), cstr(dot ? "1.0" : "0.35"));
    if (dot) {
        agattr(g, AGRAPH, cstr("nodesep"), cstr("0.3"));
        agattr(g, AGRAPH, cstr("ranksep"), cstr("0.6"));
    } else {
        // Measured on 10,000 nodes: the fast quadtree and no overlap removal
        // keep sfdp near 2 s; removal (prism) costs 5-8x that.
        agattr(g, AGRAPH, cstr("quadtree"), cstr("fast"));
        agattr(g, AGRAPH, cstr("overlap"), cstr("true"));
        agattr(g, AGRAPH, cstr("K"), cstr("0.6"));
    }

    std::vector<Agnode_t*> nodes(topology.nodes.size());
    std::vector<double> widths(nodes.size(), dot ? 1.0 : 0.35); // inches
    for (size_t i = 0; i < nodes.size(); ++i) {
        const std::string name = "n" + std::to_string(i);
        nodes[i] = agnode(g, cstr(name.c_str()), 1);
        if (!nodes[i])
            return std::unexpected(std::string("graphviz: cannot create a node"));
        if (dot) {
            // Wide enough for the label the view draws (~7 pt per character).
            // Aggregated nodes also show " · N live".
            const size_t chars = topology.nodes[i].label.size() + (topology.aggregated ? 11 : 0);
            widths[i] = std::clamp(0.3 + 0.1 * double(chars), 0.8, 3.0);
            const std::string w = std::to_string(widths[i]);
            agxset(nodes[i], width, cstr(w.c_str()));
        }
    }
    for (const GraphEdge& e : topology.edges) {
        if (e.from == e.to || e.from >= nodes.size() || e.to >= nodes.size())
            continue; // self-loops do not shape the layout; the view draws them as loops
        agedge(g, nodes[e.from], nodes[e.to], nullptr, 1);
    }
    if (gvLayout(guard.gvc, g, dot ? "dot" : "sfdp") != 0)
        return std::unexpected(std::string("graphviz: the layout failed (") + (dot ? "dot" : "sfdp") + ")");
    guard.laidOut = true;

    const boxf bb = GD_bb(g);
    out->nodes.resize(nodes.size());
    double minX = bb.LL.x, maxY = bb.UR.y, maxX = bb.UR.x, minY = bb.LL.y;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const pointf p = ND_coord(nodes[i]);
        if (!std::isfinite(p.x) || !std::isfinite(p.y))
            return std::unexpected(std::string("graphviz: a node has no position"));
        minX = std::min(minX, p.x);
        maxX = std::max(maxX, p.x);
        minY = std::min(minY, p.y);
        maxY = std::max(maxY, p.y);
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
        const pointf p = ND_coord(nodes[i]);
        const double halfHeight = (dot ? 0.4 : 0.35) * 72 / 2;
        out->nodes[i] = {p.x - minX, maxY - p.y, widths[i] * 72 / 2, halfHeight}; // Graphviz's y points up
    }
    out->width = maxX - minX;
    out->height = maxY - minY;
    out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

QString GraphLayoutEngine::cacheKey(const QString& tracePath, uint64_t programHash, const GraphTopology& topology)
{
    return QStringLiteral("%1|%2|%3|%4|%5")
        .arg(tracePath)
        .arg(programHash, 16, 16, QLatin1Char('0'))
        .arg(topology.aggregated ? QStringLiteral("types") : QStringLiteral("actors"))
        .arg(topology.nodes.size())
        .arg(topology.edges.size());
}

std::shared_ptr<const GraphLayout> GraphLayoutEngine::cached(const QString& key)
{
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    auto it = c.entries.find(key);
    return it == c.entries.end() ? nullptr : it->second;
}

void GraphLayoutEngine::clearCache()
{
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    c.entries.clear();
    c.order.clear();
}

QFuture<LayoutResult> GraphLayoutEngine::layoutAsync(const QString& key, std::shared_ptr<const GraphTopology> topology,
                                                     LayoutAlgorithm algorithm)
{
    if (auto hit = cached(key))
        return QtFuture::makeReadyFuture(LayoutResult(hit));
    return QtConcurrent::run(&layoutPool(), [key, topology = std::move(topology), algorithm]() -> LayoutResult {
        if (auto hit = cached(key)) // queued twice: the first one filled it
            return hit;
        LayoutResult r = layout(*topology, algorithm);
        if (r)
            remember(key, *r);
        return r;
    });
}

} // namespace aeroflow::timeline
