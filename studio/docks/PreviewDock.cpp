#include "PreviewDock.h"

#include <QCheckBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace aeroflow::studio {

PreviewDock::PreviewDock(QWidget* parent) : QDockWidget(tr("Preview"), parent), m_scroll(new QScrollArea(this))
{
    setObjectName(QStringLiteral("PreviewDock"));
    m_scroll->setWidgetResizable(true);
    setWidget(m_scroll);
    clear();
}

void PreviewDock::showPlaceholder(const QString& text)
{
    auto* label = new QLabel(text);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setEnabled(false);
    m_scroll->setWidget(label);
    m_canvas = label;
}

void PreviewDock::clear()
{
    m_screens = 0;
    showPlaceholder(tr("Run a program that spawns a screen to see it here."));
}

void PreviewDock::showSnapshot(const SessionSnapshot& snapshot)
{
    auto* canvas = new QWidget;
    auto* layout = new QVBoxLayout(canvas);
    int screens = 0;
    for (const ActorView& a : snapshot.actors) {
        if (!a.isScreen || !a.alive)
            continue;
        ++screens;
        auto* box = new QGroupBox(a.name, canvas);
        auto* boxLayout = new QVBoxLayout(box);
        QHash<QString, int> ordinals;
        m_fields = &a.fields;
        for (const UiNode& root : parseUiTree(a.lastRender))
            boxLayout->addWidget(build(root, a.id, ordinals));
        m_fields = nullptr;
        layout->addWidget(box);
    }
    if (screens == 0) {
        delete canvas;
        m_screens = 0;
        showPlaceholder(tr("This program shows no screen."));
        return;
    }
    layout->addStretch(1);
    m_screens = screens;
    m_scroll->setWidget(canvas); // deletes the previous canvas
    m_canvas = canvas;
}

QWidget* PreviewDock::build(const UiNode& node, quint32 actor, QHash<QString, int>& ordinals)
{
    const QString text = node.args.join(QLatin1Char(' '));
    QWidget* w = nullptr;
    if (node.element == QLatin1String("Text")) {
        auto* label = new QLabel(text);
        label->setWordWrap(true);
        w = label;
    } else if (node.element == QLatin1String("Button")) {
        auto* button = new QPushButton(text);
        for (const QString& key : node.events) {
            const int ordinal = ordinals[key]++;
            if (key == QLatin1String("onClick"))
                connect(button, &QPushButton::clicked, this, [this, actor, key, ordinal] { Q_EMIT uiEvent(actor, key, ordinal); });
        }
        w = button;
    } else if (node.element == QLatin1String("Input")) {
        // A bound input shows the field as it is now (typing sets it
        // between renders), unquoted.
        QString value = node.bindValue.isEmpty() ? text : node.bindValue;
        if (!node.bindField.isEmpty() && m_fields)
            for (const ActorField& f : *m_fields)
                if (f.name == node.bindField)
                    value = f.value.size() >= 2 && f.value.startsWith(QLatin1Char('"')) && f.value.endsWith(QLatin1Char('"'))
                        ? f.value.mid(1, f.value.size() - 2)
                        : f.value;
        auto* edit = new QLineEdit(value);
        edit->setProperty("aeroflowBind", node.bindField); // the state field it writes
        edit->setPlaceholderText(node.prop(QStringLiteral("placeholder")));
        if (!node.bindField.isEmpty()) {
            // One recorded event per committed edit (Enter or leaving the
            // field), not per keystroke: the Preview is rebuilt after each.
            connect(edit, &QLineEdit::editingFinished, this, [this, edit, actor, field = node.bindField, value] {
                if (edit->text() != value)
                    Q_EMIT inputEdited(actor, field, edit->text());
            });
        }
        w = edit;
    } else if (node.element == QLatin1String("Checkbox")) {
        auto* box = new QCheckBox(text);
        box->setChecked(node.bindValue == QLatin1String("true"));
        w = box;
    } else {
        // Containers (Column, Row, a screen used as a component, …).
        w = new QWidget;
        QBoxLayout* l = node.element == QLatin1String("Row") ? static_cast<QBoxLayout*>(new QHBoxLayout(w))
                                                             : static_cast<QBoxLayout*>(new QVBoxLayout(w));
        l->setContentsMargins(0, 0, 0, 0);
        if (node.element != QLatin1String("Column") && node.element != QLatin1String("Row"))
            l->addWidget(new QLabel(QStringLiteral("%1 %2").arg(node.element, text).trimmed()));
    }
    for (const QString& key : node.events)
        if (node.element != QLatin1String("Button"))
            ordinals[key]++; // keep ordinals aligned with the tree order
    if (!node.children.isEmpty()) {
        auto* l = qobject_cast<QBoxLayout*>(w->layout());
        if (!l) { // a leaf widget with children: stack them under it
            auto* holder = new QWidget;
            l = new QVBoxLayout(holder);
            l->setContentsMargins(0, 0, 0, 0);
            l->addWidget(w);
            w = holder;
        }
        for (const UiNode& c : node.children)
            l->addWidget(build(c, actor, ordinals));
    }
    w->setObjectName(node.element);
    return w;
}

} // namespace aeroflow::studio
