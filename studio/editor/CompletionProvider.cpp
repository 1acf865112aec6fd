#include "CompletionProvider.h"

#include "Builtins.h"
#include "Token.h"

#include <set>

namespace aeroflow::studio {

QStringList keywordList()
{
    QStringList out;
    for (int k = int(compiler::Tok::KwFirst); k <= int(compiler::Tok::KwLast); ++k) {
        // tokenSpelling gives "keyword 'let'" for messages; the table's raw spelling is what we want.
        static const char* const spellings[] = {
#define AEROFLOW_STUDIO_SPELLING(name, spelling) spelling,
            AEROFLOW_TOKENS(AEROFLOW_STUDIO_SPELLING)
#undef AEROFLOW_STUDIO_SPELLING
        };
        out << QString::fromLatin1(spellings[k]);
    }
    return out;
}

QStringList builtinList()
{
    std::set<QString> names;
#define AEROFLOW_STUDIO_GLOBAL(id, name, ...) names.insert(QStringLiteral(name));
    AEROFLOW_GLOBAL_BUILTINS(AEROFLOW_STUDIO_GLOBAL)
#undef AEROFLOW_STUDIO_GLOBAL
#define AEROFLOW_STUDIO_MODULE(id, module, ...) names.insert(QStringLiteral(module));
    AEROFLOW_MODULE_BUILTINS(AEROFLOW_STUDIO_MODULE)
#undef AEROFLOW_STUDIO_MODULE
    return QStringList(names.begin(), names.end());
}

QStringList completionsAt(const compiler::SymbolIndex* symbols, uint32_t offset, const QString& prefix)
{
    std::set<QString> names;
    auto take = [&](const QString& n) {
        if (n.startsWith(prefix) && n != prefix)
            names.insert(n);
    };
    for (const QString& k : keywordList())
        take(k);
    for (const QString& b : builtinList())
        take(b);
    if (symbols) {
        for (const compiler::SymbolDecl* d : symbols->visibleAt(offset))
            take(QString::fromStdString(d->name));
        // Actors, screens, records, message names and record fields (after
        // `value.`) are usable everywhere (hoisted),
        // even where the index's visibility ranges have not caught up with edits.
        for (const compiler::SymbolDecl& d : symbols->decls())
            if (d.kind == compiler::SymbolKind::Actor || d.kind == compiler::SymbolKind::Screen
                || d.kind == compiler::SymbolKind::Agent || d.kind == compiler::SymbolKind::Handler
                || d.kind == compiler::SymbolKind::Function || d.kind == compiler::SymbolKind::Record
                || d.kind == compiler::SymbolKind::RecordField)
                take(QString::fromStdString(d.name));
    }
    return QStringList(names.begin(), names.end());
}

} // namespace aeroflow::studio
