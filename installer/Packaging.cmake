# CPack packaging: `cpack -G DEB` in a build directory makes aeroflow_<ver>_<arch>.deb
# with aeroflow-studio, its desktop entry, icon and MIME type. Included
# (OPTIONAL) by the top-level CMakeLists.txt.

# Desktop integration files (the Studio binary installs itself: studio/CMakeLists.txt).
install(FILES ${PROJECT_SOURCE_DIR}/resources/aeroflow.desktop DESTINATION share/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/aeroflow.svg DESTINATION share/icons/hicolor/scalable/apps)
install(FILES ${PROJECT_SOURCE_DIR}/resources/mime/aeroflow.xml DESTINATION share/mime/packages)

set(CPACK_PACKAGE_NAME "aeroflow")
set(CPACK_PACKAGE_VENDOR "AeroFlow Team")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "AeroFlow Studio: IDE and recording debugger for a deterministic actor language")
set(CPACK_PACKAGE_CONTACT "AeroFlow Team <team@aeroflow.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "AeroFlow Team <team@aeroflow.invalid>")
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The Qt 6 and QScintilla runtime the Studio links (Debian 12 names).
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libqt6core6 (>= 6.4), libqt6gui6 (>= 6.4), libqt6widgets6 (>= 6.4), libqt6concurrent6 (>= 6.4), libqt6svg6 (>= 6.4), libqscintilla2-qt6-15, qt6-qpa-plugins")
# Let dpkg-shlibdeps add whatever else the binaries need (libc, libstdc++, fmt …).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Refresh the desktop and MIME databases after install/remove.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "shared-mime-info, desktop-file-utils")
# `aeroflow build` links with the target's C++ driver and runs its programs with
# these (lib/aeroflow/runtime/TARGET/ carries the runtime libraries).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
  "g++, g++-aarch64-linux-gnu, qemu-user, clang-19, lld-19, wasi-libc, libc++-19-dev-wasm32, libc++abi-19-dev-wasm32, libclang-rt-19-dev-wasm32, nodejs")
set(CPACK_GENERATOR "DEB")
include(CPack)
