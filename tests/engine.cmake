# Engine suites (issue 3). Included from tests/CMakeLists.txt by the lead:
#   include(engine.cmake)
add_subdirectory(engine)
add_subdirectory(run)
