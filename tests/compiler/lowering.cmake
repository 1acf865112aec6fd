# tst_lowering: AST → bytecode (compiler/Lowering*.cpp, Program, Disassembler).
# Included from tests/compiler/CMakeLists.txt.
add_executable(tst_lowering tst_lowering.cpp)
target_link_libraries(tst_lowering PRIVATE aeroflow_compiler Qt6::Test)
target_compile_definitions(tst_lowering PRIVATE AEROFLOW_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_test(NAME compiler.lowering COMMAND tst_lowering)
set_tests_properties(compiler.lowering PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
