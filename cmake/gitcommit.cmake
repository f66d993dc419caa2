# Writes OUT (a header defining FLOWCOST_COMMIT) from `git rev-parse HEAD`
# in SRC, with "-dirty" when tracked files differ from HEAD; "unknown" when
# SRC is not a git checkout (a tarball, a Docker context without .git) and
# COMMIT (-DFLOWCOST_COMMIT=... at configure time) is empty. Run at every
# build; the header is rewritten only when the value changes, so a build
# with nothing new recompiles nothing.
#   cmake -DSRC=... -DOUT=... [-DCOMMIT=...] -P gitcommit.cmake
set(commit "${COMMIT}")
if(commit STREQUAL "")
  set(commit unknown)
  find_package(Git QUIET)
  if(GIT_FOUND)
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SRC} rev-parse HEAD
                    OUTPUT_VARIABLE head RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(rc EQUAL 0 AND head MATCHES "^[0-9a-f]+$")
      set(commit ${head})
      # --no-optional-locks: a build must not take the index lock of the
      # worktree it builds from
      execute_process(COMMAND ${GIT_EXECUTABLE} --no-optional-locks -C ${SRC} status --porcelain --untracked-files=no
                      OUTPUT_VARIABLE dirty RESULT_VARIABLE rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
      if(rc EQUAL 0 AND NOT dirty STREQUAL "")
        string(APPEND commit "-dirty")
      endif()
    endif()
  endif()
endif()
set(text "#define FLOWCOST_COMMIT \"${commit}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()
