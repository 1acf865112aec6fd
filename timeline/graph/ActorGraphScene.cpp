#include "ActorGraphScene.h"

#include <QPainterPath>

#include <array>
#include <cmath>
#include <map>

namespace aeroflow::timeline {

namespace {

// Width buckets of the edges carrying messages (pixels), by log10 of the count.
// Below this node radius (device pixels) the overview is drawn.
constexpr double kOverviewRadius = 4.0;
// Past this many nodes or edges in view, labels / arrowheads are left out.
constexpr size_t kMaxLabels = 600;
constexpr size_t kMaxArrows = 800;
constexpr size_t kMaxWideEdges = 400;
// Past this many circles in view, nodes are blitted from pre-rendered sprites.
constexpr size_t kMaxShapes = 150;
// Past this many nodes in view, the overview is drawn whatever the zoom.
constexpr size_t kMaxDetailedNodes = 2000;

constexpr std::array<double, 5> kEdgeWidths = {1.2, 1.8, 2.6, 3.6, 5.0};

size_t widthBucket(uint64_t count)
{
    const double l = std::log10(double(count) + 1);
    return std::min(kEdgeWidths.size() - 1, size_t(l * 1.2));
}

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

QColor contrastText(const QColor& fill)
{
    return fill.lightness() > 140 ? QColor(0x20, 0x20, 0x20) : QColor(0xf4, 0xf4, 0xf4);
}

} // namespace

void ActorGraphScene::setGraph(ActorGraphModel::Ptr model, bool aggregated)
{
    m_model = std::move(model);
    m_aggregated = aggregated;
    m_layout.reset();
    m_hasFrame = false;
    m_frame = {};
}

void ActorGraphScene::setLayout(std::shared_ptr<const GraphLayout> layout)
{
    const GraphTopology* t = topology();
    if (layout && t && layout->nodes.size() != t->nodes.size())
        return; // a layout of another graph
    m_layout = std::move(layout);
}

void ActorGraphScene::setFrame(GraphFrame frame)
{
    const GraphTopology* t = topology();
    if (!t || frame.aggregated != m_aggregated || frame.edgeCounts.size() != t->edges.size()
        || frame.spawned.size() != t->nodes.size())
        return;
    m_frame = std::move(frame);
    m_hasFrame = true;
}

void ActorGraphScene::clear()
{
    setGraph(nullptr, false);
}

const GraphTopology* ActorGraphScene::topology() const
{
    return m_model ? &m_model->topology(m_aggregated) : nullptr;
}

QRectF ActorGraphScene::bounds() const
{
    if (!m_layout)
        return {};
    QRectF r(0, 0, m_layout->width, m_layout->height);
    for (size_t i = 0; i < m_layout->nodes.size(); ++i)
        r = r.united(nodeRect(i));
    return r;
}

QRectF ActorGraphScene::nodeRect(size_t i) const
{
    const LayoutPoint& n = m_layout->nodes[i];
    return {n.x - n.halfWidth, n.y - n.halfHeight, 2 * n.halfWidth, 2 * n.halfHeight};
}

bool ActorGraphScene::nodeVisible(size_t i) const
{
    if (!m_hasFrame || m_aggregated)
        return true;
    return m_frame.spawned[i] > 0;
}

int64_t ActorGraphScene::nodeAt(QPointF world) const
{
    if (!m_layout)
        return -1;
    // Last drawn is on top: search backwards.
    for (size_t i = m_layout->nodes.size(); i-- > 0;) {
        if (nodeVisible(i) && nodeRect(i).adjusted(-2, -2, 2, 2).contains(world))
            return int64_t(i);
    }
    return -1;
}

std::optional<QPointF> ActorGraphScene::actorPosition(int64_t actor) const
{
    if (!m_layout || !m_model)
        return std::nullopt;
    const int64_t node = m_model->nodeOfActor(actor, m_aggregated);
    if (node < 0 || size_t(node) >= m_layout->nodes.size())
        return std::nullopt;
    return QPointF(m_layout->nodes[size_t(node)].x, m_layout->nodes[size_t(node)].y);
}

int64_t ActorGraphScene::selectedNode() const
{
    return m_model && m_selected >= 0 ? m_model->nodeOfActor(m_selected, m_aggregated) : -1;
}

void ActorGraphScene::paint(QPainter& p, QPointF origin, double scale, QSizeF viewport) const
{
    if (!m_layout || !topology() || m_layout->nodes.empty())
        return;
    // Nodes of a few pixels: the overview (measured: the detailed path costs
    // ~100 us per node at that size, the overview ~1 us).
    const QRectF visibleWorld(origin, viewport / scale);
    size_t inView = 0;
    for (const LayoutPoint& n : m_layout->nodes)
        inView += visibleWorld.contains(QPointF(n.x, n.y)) ? 1 : 0;
    if (m_layout->nodes.front().halfHeight * scale < kOverviewRadius || inView > kMaxDetailedNodes)
        return paintOverview(p, origin, scale, viewport);
    p.save();
    p.scale(scale, scale);
    p.translate(-origin);
    p.setRenderHint(QPainter::Antialiasing, true);
    paintEdges(p, visibleWorld, scale);
    paintNodes(p, visibleWorld, scale);
    p.restore();
}

void ActorGraphScene::paintOverview(QPainter& p, QPointF origin, double scale, QSizeF viewport) const
{
    const GraphTopology& t = *topology();
    const QRectF view(QPointF(0, 0), viewport);
    const size_t n = m_layout->nodes.size();
    std::vector<QPointF> at(n);
    for (size_t i = 0; i < n; ++i)
        at[i] = (QPointF(m_layout->nodes[i].x, m_layout->nodes[i].y) - origin) * scale;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);

    // Edges in two pens: not used yet at the cursor (faint) and used.
    std::vector<QLineF> idle, busy;
    for (size_t e = 0; e < t.edges.size(); ++e) {
        const GraphEdge& edge = t.edges[e];
        if (edge.from == edge.to || !nodeVisible(edge.from) || !nodeVisible(edge.to))
            continue;
        const QPointF a = at[edge.from], b = at[edge.to];
        if (std::abs(a.x() - b.x()) < 1 && std::abs(a.y() - b.y()) < 1)
            continue; // shorter than a pixel
        if (!view.intersects(QRectF(a, b).normalized().adjusted(-1, -1, 1, 1)))
            continue;
        (m_hasFrame && m_frame.edgeCounts[e] ? busy : idle).emplace_back(a, b);
    }
    p.setPen(QPen(withAlpha(m_palette.graphEdge, 70), 1));
    p.drawLines(idle.data(), int(idle.size()));
    p.setPen(QPen(m_palette.graphEdge, 1));
    p.drawLines(busy.data(), int(busy.size()));

    // Nodes as squares of at least 2 pixels; active ones on a larger square.
    const double r = std::max(1.0, m_layout->nodes.front().halfHeight * scale);
    const int64_t selected = selectedNode();
    for (size_t i = 0; i < n; ++i) {
        if (!nodeVisible(i) || !view.contains(at[i]))
            continue;
        const bool spawned = !m_hasFrame || m_frame.spawned[i] > 0;
        const bool alive = !m_hasFrame || m_frame.alive[i] > 0;
        if (m_hasFrame && m_frame.active[i])
            p.fillRect(QRectF(at[i].x() - r - 1.5, at[i].y() - r - 1.5, 2 * r + 3, 2 * r + 3), m_palette.graphActive);
        const QColor fill = spawned && alive ? m_palette.typeColor(t.nodes[i].type) : m_palette.dimmed;
        p.fillRect(QRectF(at[i].x() - r, at[i].y() - r, 2 * r, 2 * r), fill);
    }
    if (selected >= 0 && size_t(selected) < n && nodeVisible(size_t(selected))) {
        p.setPen(QPen(m_palette.selection, 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(at[size_t(selected)] - QPointF(r + 4, r + 4), QSizeF(2 * r + 8, 2 * r + 8)));
    }
    p.restore();
}

void ActorGraphScene::paintEdges(QPainter& p, const QRectF& visibleWorld, double scale) const
{
    const GraphTopology& t = *topology();
    const bool boxes = m_layout->algorithm == LayoutAlgorithm::Dot;
    // Lines are gathered per pen and drawn in one call each; arrowheads and
    // count labels only when they are big enough to see.
    std::vector<QLineF> idle;
    std::array<std::vector<QLineF>, kEdgeWidths.size()> busy;
    QPainterPath busyRings, idleRings; // self-loops
    struct Label {
        QPointF at;
        uint64_t count;
    };
    std::vector<Label> labels;
    struct Head {
        QPointF end, dir;
    };
    std::vector<Head> heads;
    const double arrow = 7.0 / scale;

    auto clipToNode = [&](size_t node, QPointF from, QPointF dir) {
        const LayoutPoint& n = m_layout->nodes[node];
        double s;
        if (boxes)
            s = std::min(std::abs(dir.x()) > 1e-9 ? n.halfWidth / std::abs(dir.x()) : 1e18,
                         std::abs(dir.y()) > 1e-9 ? n.halfHeight / std::abs(dir.y()) : 1e18);
        else
            s = n.halfWidth;
        return from + dir * s;
    };

    for (size_t e = 0; e < t.edges.size(); ++e) {
        const GraphEdge& edge = t.edges[e];
        if (!nodeVisible(edge.from) || !nodeVisible(edge.to))
            continue;
        const uint64_t count = m_hasFrame ? m_frame.edgeCounts[e] : 0;
        const LayoutPoint& a = m_layout->nodes[edge.from];
        const LayoutPoint& b = m_layout->nodes[edge.to];
        if (edge.from == edge.to) {
            // A self-loop: a small ring on the node's upper-right corner.
            const QPointF c(a.x + a.halfWidth * 0.8, a.y - a.halfHeight);
            if (!visibleWorld.intersects(QRectF(c - QPointF(10, 10), QSizeF(20, 20))))
                continue;
            (count ? busyRings : idleRings).addEllipse(c, 7, 7);
            if (count)
                labels.push_back({c + QPointF(9, -7), count});
            continue;
        }
        QPointF from(a.x, a.y), to(b.x, b.y);
        QPointF d = to - from;
        const double len = std::hypot(d.x(), d.y());
        if (len < 1e-6)
            continue;
        d /= len;
        // Shift each direction to its right so a<->b shows as two lines.
        const QPointF shift(-d.y() * 4, d.x() * 4);
        const QPointF start = clipToNode(edge.from, from, d) + shift;
        const QPointF end = clipToNode(edge.to, to, -d) + shift;
        if (!visibleWorld.intersects(QRectF(start, end).normalized().adjusted(-1, -1, 1, 1)))
            continue;
        if (count)
            busy[widthBucket(count)].emplace_back(start, end);
        else
            idle.emplace_back(start, end);
        heads.push_back({end, d});
        // Labels sit a third of the way along, so a->b and b->a do not collide.
        if (count)
            labels.push_back({start + (end - start) * 0.35, count});
    }
    // Arrowheads and counts only when they are big enough to see and few
    // enough to read.
    const bool drawArrows = scale > 0.25 && heads.size() <= kMaxArrows;
    if (scale <= 0.55 || labels.size() > kMaxLabels)
        labels.clear();

    QPen pen(withAlpha(m_palette.graphEdge, 80), 1.0);
    pen.setCosmetic(true);
    p.setPen(pen);
    p.drawLines(idle.data(), int(idle.size()));
    // Wide antialiased lines cost a stroke each: in a crowd, every used edge
    // is one pixel wide (the count still shows on its label when legible).
    const bool crowd = heads.size() > kMaxWideEdges;
    for (size_t w = 0; w < busy.size(); ++w) {
        pen = QPen(m_palette.graphEdge, crowd ? 1.0 : kEdgeWidths[w]);
        pen.setCosmetic(true);
        pen.setCapStyle(Qt::FlatCap);
        p.setPen(pen);
        p.drawLines(busy[w].data(), int(busy[w].size()));
    }
    p.setBrush(Qt::NoBrush);
    pen = QPen(withAlpha(m_palette.graphEdge, 90), 1.0);
    pen.setCosmetic(true);
    p.setPen(pen);
    p.drawPath(idleRings);
    pen = QPen(m_palette.graphEdge, 1.8);
    pen.setCosmetic(true);
    p.setPen(pen);
    p.drawPath(busyRings);
    if (drawArrows) {
        QPainterPath arrows;
        arrows.setFillRule(Qt::WindingFill);
        for (const Head& h : heads) {
            const QPointF side(-h.dir.y(), h.dir.x());
            arrows.moveTo(h.end);
            arrows.lineTo(h.end - h.dir * arrow + side * arrow * 0.45);
            arrows.lineTo(h.end - h.dir * arrow - side * arrow * 0.45);
            arrows.closeSubpath();
        }
        p.setPen(Qt::NoPen);
        p.setBrush(m_palette.graphEdge);
        p.drawPath(arrows);
    }
    if (!labels.empty()) {
        QFont f = p.font();
        f.setPointSizeF(7.5);
        p.setFont(f);
        const QFontMetricsF fm(f);
        for (const Label& l : labels) {
            const QString text = QString::number(l.count);
            QRectF r(0, 0, fm.horizontalAdvance(text) + 6, fm.height());
            r.moveCenter(l.at);
            p.setPen(Qt::NoPen);
            p.setBrush(withAlpha(m_palette.background, 220));
            p.drawRoundedRect(r, 3, 3);
            p.setPen(m_palette.text);
            p.drawText(r, Qt::AlignCenter, text);
        }
    }
}

QColor ActorGraphScene::fillOf(size_t i) const
{
    const GraphNode& n = topology()->nodes[i];
    const bool spawned = !m_hasFrame || m_frame.spawned[i] > 0;
    const bool alive = !m_hasFrame || m_frame.alive[i] > 0;
    if (n.type == kOutsideType)
        return spawned ? m_palette.graphNode : withAlpha(m_palette.dimmed, 90);
    return spawned && alive ? m_palette.typeColor(n.type) : withAlpha(m_palette.dimmed, 90);
}

void ActorGraphScene::paintSprites(QPainter& p, const std::vector<size_t>& shown, double scale) const
{
    // Circles of one size: render each (fill, active) kind once at this
    // scale, antialiased, then blit it per node in device coordinates.
    const LayoutPoint& first = m_layout->nodes[shown.front()];
    const double r = first.halfHeight * scale;
    const int side = int(std::ceil(2 * r + 16));
    const QTransform toDevice = p.worldTransform();
    std::map<std::pair<QRgb, bool>, QImage> sprites;
    auto sprite = [&](QColor fill, bool active) -> const QImage& {
        auto [it, fresh] = sprites.try_emplace({fill.rgba(), active});
        if (fresh) {
            QImage img(side, side, QImage::Format_ARGB32_Premultiplied);
            img.fill(Qt::transparent);
            QPainter s(&img);
            s.setRenderHint(QPainter::Antialiasing);
            const QPointF c(side / 2.0, side / 2.0);
            if (active) {
                s.setPen(Qt::NoPen);
                s.setBrush(withAlpha(m_palette.graphActive, 110));
                s.drawEllipse(c, r + 5 * scale, r + 5 * scale);
            }
            s.setPen(QPen(active ? m_palette.graphActive : m_palette.graphNodeBorder, active ? 2.5 : 1.0));
            s.setBrush(fill);
            s.drawEllipse(c, r, r);
            it->second = std::move(img);
        }
        return it->second;
    };
    p.save();
    p.resetTransform();
    for (size_t i : shown) {
        const LayoutPoint& n = m_layout->nodes[i];
        const QPointF at = toDevice.map(QPointF(n.x, n.y)) - QPointF(side / 2.0, side / 2.0);
        p.drawImage(QPoint(int(std::lround(at.x())), int(std::lround(at.y()))),
                    sprite(fillOf(i), m_hasFrame && m_frame.active[i]));
    }
    p.restore();
}

void ActorGraphScene::paintNodes(QPainter& p, const QRectF& visibleWorld, double scale) const
{
    const GraphTopology& t = *topology();
    const bool boxes = m_layout->algorithm == LayoutAlgorithm::Dot;
    const int64_t selected = selectedNode();
    // Shapes are gathered into one path per colour and pen and drawn once
    // each: one rasterization instead of one per node. Winding fill, so
    // overlapping nodes do not cancel. Many circles: sprites instead.
    auto newPath = [] {
        QPainterPath path;
        path.setFillRule(Qt::WindingFill);
        return path;
    };
    std::map<QRgb, QPainterPath> fills;
    QPainterPath halos = newPath(), borders = newPath(), activeBorders = newPath(), dashed = newPath();
    auto add = [&](QPainterPath& path, const QRectF& r, double radius) {
        boxes ? path.addRoundedRect(r, radius, radius) : path.addEllipse(r);
    };
    std::vector<size_t> shown;
    for (size_t i = 0; i < t.nodes.size(); ++i) {
        if (nodeVisible(i) && visibleWorld.intersects(nodeRect(i).adjusted(-8, -8, 8, 8 + (boxes ? 0 : 14))))
            shown.push_back(i);
    }
    if (!boxes && shown.size() > kMaxShapes)
        paintSprites(p, shown, scale);
    for (size_t i : boxes || shown.size() <= kMaxShapes ? shown : std::vector<size_t>()) {
        const QRectF r = nodeRect(i);
        const bool spawned = !m_hasFrame || m_frame.spawned[i] > 0;
        const bool active = m_hasFrame && m_frame.active[i];
        auto it = fills.try_emplace(fillOf(i).rgba(), newPath()).first;
        add(it->second, r, 5);
        if (active)
            add(halos, r.adjusted(-5, -5, 5, 5), 8); // what handled a message at this tick
        add(!spawned ? dashed : active ? activeBorders : borders, r, 5);
    }

    p.setPen(Qt::NoPen);
    p.setBrush(withAlpha(m_palette.graphActive, 110));
    p.drawPath(halos);
    if (selected >= 0 && nodeVisible(size_t(selected))) {
        // The selection: a ring outside the node, clear of the fill and the halo.
        QPen ring(m_palette.selection, 3.0);
        ring.setCosmetic(true);
        p.setPen(ring);
        p.setBrush(Qt::NoBrush);
        const QRectF outer = nodeRect(size_t(selected)).adjusted(-8, -8, 8, 8);
        boxes ? p.drawRoundedRect(outer, 10, 10) : p.drawEllipse(outer);
    }
    p.setPen(Qt::NoPen);
    for (const auto& [rgba, path] : fills) {
        p.setBrush(QColor::fromRgba(rgba));
        p.drawPath(path);
    }
    p.setBrush(Qt::NoBrush);
    auto stroke = [&](const QPainterPath& path, const QColor& c, double width, Qt::PenStyle style) {
        QPen pen(c, width, style);
        pen.setCosmetic(true);
        p.setPen(pen);
        p.drawPath(path);
    };
    stroke(borders, m_palette.graphNodeBorder, 1.0, Qt::SolidLine);
    stroke(activeBorders, m_palette.graphActive, 2.5, Qt::SolidLine);
    stroke(dashed, m_palette.graphNodeBorder, 1.0, Qt::DashLine);

    // Labels: a 9-point label at >= 6 pixels, and not for a crowd.
    if (scale * 9 < 6 || shown.size() > kMaxLabels)
        return;
    QFont font = p.font();
    font.setPointSizeF(9);
    p.setFont(font);
    const QFontMetricsF fm(font);
    for (size_t i : shown) {
        const GraphNode& n = t.nodes[i];
        const QRectF r = nodeRect(i);
        const bool lit = (!m_hasFrame || (m_frame.spawned[i] > 0 && m_frame.alive[i] > 0));
        QString label = QString::fromStdString(n.label);
        if (m_aggregated && m_hasFrame && n.type >= 0)
            label += QStringLiteral(" · %1 live").arg(m_frame.alive[i]);
        if (boxes) {
            const QColor fill = n.type == kOutsideType ? m_palette.graphNode : m_palette.typeColor(n.type);
            p.setPen(lit ? contrastText(fill) : m_palette.textDim);
            p.drawText(r, Qt::AlignCenter, fm.elidedText(label, Qt::ElideRight, r.width() - 4));
        } else {
            p.setPen(lit ? m_palette.text : m_palette.textDim);
            const QRectF below(r.center().x() - 60, r.bottom() + 1, 120, fm.height());
            p.drawText(below, Qt::AlignHCenter | Qt::AlignTop, label);
        }
    }
}

} // namespace aeroflow::timeline
