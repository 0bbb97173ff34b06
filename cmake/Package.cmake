# The Debian package: `cmake --build --preset release --target package` (or
# `cpack -G DEB` in any configured build directory) writes
# aurora-gate_<version>_<arch>.deb with everything install() names
# (packaging/CMakeLists.txt). Dependencies come from the binary's shared
# libraries (dpkg-shlibdeps), so a static-deps release build depends on less.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "aurora-gate")
set(CPACK_PACKAGE_VENDOR "aurora-gate")
set(CPACK_PACKAGE_CONTACT "aurora-gate maintainers <aurora-gate@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "metrics-driven gate and alert evaluator for CI and deploys")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Evaluates gate files (YAML shaped like Prometheus rule files) against CI\n artifacts (coverage, benchmarks, JUnit, mutation, security scans, JSON) and\n Prometheus-compatible servers, and decides: exit code, terminal table,\n JUnit, JSON, Markdown and HTML reports, and rollback actions. Ships the\n runbook gates in /usr/share/aurora-gate/gates and a systemd unit for watch.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/")
include(CPack)
