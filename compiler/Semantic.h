#pragma once
// What the Checker hands to Lowering (and the IDE): the checked tree plus dense
// tables of every function, actor, message and global of the program.

#include "Ast.h"
#include "Types.h"

#include <string_view>
#include <vector>

namespace aeroflow::compiler {

struct MessageInfo {
    Name name = 0;
    uint32_t arity = 0;
    SourceRange firstDecl; ///< the first handler that declared it
};

struct SemanticInfo {
    /// Every FnDecl, indexed by FnDecl::index. [0] is `main` (the top-level
    /// code). Also holds methods, handler bodies, render bodies and nested fns.
    std::vector<FnDecl*> functions;
    /// Actor/screen/agent types, indexed by ActorDecl::index.
    std::vector<ActorDecl*> actors;
    /// Message constructors, indexed by message id (OnDecl::messageId).
    std::vector<MessageInfo> messages;
    /// Top-level variables, indexed by Binding::index of Global bindings.
    std::vector<Binding*> globals;
    std::vector<ModelDecl*> models;
    /// Record types, indexed by RecordDecl::index.
    std::vector<RecordDecl*> records;
    /// Modules named by `import`/`from`, in order of first appearance.
    std::vector<std::string_view> imports;
};

} // namespace aeroflow::compiler
