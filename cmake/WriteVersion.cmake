# cmake -DSOURCE_DIR=... -DIN=version.h.in -DOUT=.../version.h -DPROJECT_VERSION=x.y.z -P WriteVersion.cmake
# Run at every build: writes OUT with the current git commit, touching it only
# when the text changes (so an unchanged commit rebuilds nothing).
execute_process(
  COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE AURORA_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET)
if(NOT AURORA_GIT_COMMIT)
  set(AURORA_GIT_COMMIT "unknown")
endif()
configure_file(${IN} ${OUT} @ONLY)
