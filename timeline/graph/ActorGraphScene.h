#pragma once
// What the actor graph view paints, prepared apart from the widget (STYLE.md:
// preparation apart from drawing; painting only reads prepared lists): the
// topology of the chosen mode, its Graphviz layout, the frame at the cursor
// and the palette. World coordinates are the layout's points.
//
// GUI thread only (it is plain data plus painting; no signals).

#include "ActorGraphModel.h"
#include "GraphLayoutEngine.h"
#include "TimelinePalette.h"

#include <QPainter>
#include <QRectF>

#include <memory>

namespace aeroflow::timeline {

class ActorGraphScene {
public:
    /// A new graph (model and mode) drops the layout and the frame.
    void setGraph(ActorGraphModel::Ptr model, bool aggregated);
    void setLayout(std::shared_ptr<const GraphLayout> layout);
    /// Frames of another mode than the graph's are ignored.
    void setFrame(GraphFrame frame);
    void setPalette(const TimelinePalette& palette) { m_palette = palette; }
    void setSelectedActor(int64_t actor) { m_selected = actor; }
    void clear();

    const ActorGraphModel::Ptr& model() const { return m_model; }
    bool aggregated() const { return m_aggregated; }
    const GraphTopology* topology() const;
    const GraphLayout* layout() const { return m_layout.get(); }
    const GraphFrame* frame() const { return m_hasFrame ? &m_frame : nullptr; }
    const TimelinePalette& palette() const { return m_palette; }
    /// The layout's bounding box (empty without a layout).
    QRectF bounds() const;

    /// The node under `world` (visible nodes only), or -1.
    int64_t nodeAt(QPointF world) const;
    /// Centre of the node of `actor` in world coordinates, if laid out.
    std::optional<QPointF> actorPosition(int64_t actor) const;
    /// Whether node `i` is drawn at the current frame (not-yet-spawned
    /// actors are hidden in the fine graph, dimmed when aggregated).
    bool nodeVisible(size_t i) const;

    /// Paints the part of the graph seen through a `viewport`-sized window
    /// whose top-left is world point `origin`, at `scale` device pixels per
    /// world point (`p` untransformed). Zoomed out far enough that a node is
    /// a few pixels, an overview (plain rectangles and lines, no labels) is
    /// drawn; otherwise nodes, edges, arrowheads and legible labels, culled.
    void paint(QPainter& p, QPointF origin, double scale, QSizeF viewport) const;

private:
    void paintOverview(QPainter& p, QPointF origin, double scale, QSizeF viewport) const;
    void paintEdges(QPainter& p, const QRectF& visibleWorld, double scale) const;
    void paintNodes(QPainter& p, const QRectF& visibleWorld, double scale) const;
    void paintSprites(QPainter& p, const std::vector<size_t>& shown, double scale) const;
    QRectF nodeRect(size_t i) const;
    QColor fillOf(size_t i) const;
    int64_t selectedNode() const;

    ActorGraphModel::Ptr m_model;
    bool m_aggregated = false;
    std::shared_ptr<const GraphLayout> m_layout;
    GraphFrame m_frame;
    bool m_hasFrame = false;
    TimelinePalette m_palette = TimelinePalette::fromPalette(QPalette());
    int64_t m_selected = -1;
};

} // namespace aeroflow::timeline
