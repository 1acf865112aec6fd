# CMake toolchain file: cross-build for WebAssembly (wasm32-wasi, WASI
# preview1) with Debian's clang-19 / wasm-ld-19, wasi-libc and wasm32
# libc++ (packages clang-19, lld-19, wasi-libc, libc++-19-dev-wasm32,
# libc++abi-19-dev-wasm32, libclang-rt-19-dev-wasm32).
#
#   cmake -G Ninja -S SRC -B BUILD -DCMAKE_BUILD_TYPE=Release \
#         -DCMAKE_TOOLCHAIN_FILE=runtime/toolchains/wasm32-wasi.cmake
#
# C++ exceptions use WebAssembly exception handling (-fwasm-exceptions, the
# legacy try/catch instructions Node.js 20's V8 runs). Debian's wasm32
# libc++abi has no exception support, so every executable must also link
# runtime/wasm/WasmEh.cpp (built with these flags). Executables get the
# suffix .wasm and run with `node runtime/wasm/run-wasm.mjs FILE.wasm`.
#
# Code is never position independent here: targets that set
# POSITION_INDEPENDENT_CODE (the engine's and the compiler's do, for the
# native build) still get plain wasm32 code, through the rules override at
# the end of this file.

if(DEFINED CMAKE_C_COMPILE_OPTIONS_PIC OR DEFINED CMAKE_CXX_COMPILE_OPTIONS_PIC)
  # Second pass: CMake includes this file again as CMAKE_USER_MAKE_RULES_OVERRIDE,
  # after its compiler and platform modules set their defaults.
  foreach(lang C CXX)
    set(CMAKE_${lang}_COMPILE_OPTIONS_PIC "")
    set(CMAKE_${lang}_COMPILE_OPTIONS_PIE "")
    set(CMAKE_${lang}_LINK_OPTIONS_PIE "")
    set(CMAKE_${lang}_LINK_OPTIONS_NO_PIE "")
  endforeach()
  # The compiler module appended its own "-O3 -DNDEBUG" to the defaults.
  set(CMAKE_C_FLAGS_RELEASE_INIT "-O2 -DNDEBUG")
  set(CMAKE_CXX_FLAGS_RELEASE_INIT "-O2 -DNDEBUG")
  set(CMAKE_EXECUTABLE_SUFFIX ".wasm")
  return()
endif()
set(CMAKE_USER_MAKE_RULES_OVERRIDE "${CMAKE_CURRENT_LIST_FILE}")

# CMake 3.25 has no WASI platform module; Generic is a static-only system.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(AEROFLOW_WASM ON)

set(CMAKE_C_COMPILER clang-19)
set(CMAKE_CXX_COMPILER clang++-19)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
set(CMAKE_AR llvm-ar-19 CACHE FILEPATH "wasm32 archiver")
set(CMAKE_RANLIB llvm-ranlib-19 CACHE FILEPATH "wasm32 archive indexer")

# Exceptions through wasm EH; no floating-point contraction (determinism
# contract, DESIGN.md: the same bits as the native engine).
set(CMAKE_C_FLAGS_INIT "-ffp-contract=off -fno-fast-math")
set(CMAKE_CXX_FLAGS_INIT "-fwasm-exceptions -ffp-contract=off -fno-fast-math")
# wasm-ld's default stack is 64 KiB; the engine's recursive descent parser,
# checker and VM need far more (tests/run/actor_depth_limit.aefl). The
# stack goes first so that an overflow traps instead of corrupting data.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fwasm-exceptions -Wl,-z,stack-size=8388608 -Wl,--stack-first")
set(CMAKE_POSITION_INDEPENDENT_CODE OFF)

# The compiler links wasm32 executables out of the box, but test builds stay
# cheap and independent of the C++ runtime's state.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Never pick up host (x86-64) packages or tools as if they were wasm32 ones.
set(CMAKE_FIND_ROOT_PATH /usr/lib/wasm32-wasi)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
