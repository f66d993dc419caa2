# Install rules, generated documentation and the Debian package (CPack).
# Included by the top-level CMakeLists.txt after the flowcost target exists.
# See docs/install.md.

include(GNUInstallDirs)

set(FC_DIST ${CMAKE_SOURCE_DIR}/dist)
set(FC_GEN ${CMAKE_BINARY_DIR}/dist)
set(FLOWCOST_DEB_RELEASE 1 CACHE STRING "Debian revision of the package (flowcost_VERSION-REVISION)")
set(FLOWCOST_COMMIT "" CACHE STRING "Commit to report in --version when the source has no .git (e.g. a Docker context)")
set(FLOWCOST_ZSH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions CACHE STRING
    "Where _flowcost goes (Debian's zsh searches share/zsh/vendor-completions; others use share/zsh/site-functions)")

# ---- the commit --version reports ----
# A target that runs at every build (a configure-time value would go stale
# with the next commit); the header changes only when the commit does.
add_custom_target(flowcost_commit
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${FC_GEN}/fc_commit.h
          "-DCOMMIT=${FLOWCOST_COMMIT}" -P ${CMAKE_SOURCE_DIR}/cmake/gitcommit.cmake
  BYPRODUCTS ${FC_GEN}/fc_commit.h
  COMMENT "Reading the git commit"
  VERBATIM)
add_dependencies(flowcost flowcost_commit)
target_include_directories(flowcost PRIVATE ${FC_GEN})
# cli/version.c names the shared object each library was loaded from (dladdr).
target_link_libraries(flowcost PRIVATE ${CMAKE_DL_LIBS})

# ---- the Debian changelog: its top entry is the package version and the man page's date ----
file(STRINGS ${FC_DIST}/debian/changelog FC_CHANGELOG)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${FC_DIST}/debian/changelog)
list(GET FC_CHANGELOG 0 fc_first)
string(REGEX REPLACE "^flowcost \\(([^)]*)\\).*" "\\1" FC_CHANGELOG_VERSION "${fc_first}")
if(NOT FC_CHANGELOG_VERSION STREQUAL "${PROJECT_VERSION}-${FLOWCOST_DEB_RELEASE}")
  message(WARNING "dist/debian/changelog's top entry is ${FC_CHANGELOG_VERSION}, the package is "
                  "${PROJECT_VERSION}-${FLOWCOST_DEB_RELEASE}: add a changelog entry")
endif()
set(FC_MAN_DATE "")
foreach(l IN LISTS FC_CHANGELOG)
  if(l MATCHES "^ -- .*  [A-Z][a-z][a-z], ([0-9]+) ([A-Z][a-z][a-z]) ([0-9]+) ")
    set(d ${CMAKE_MATCH_1})
    set(y ${CMAKE_MATCH_3})
    list(FIND "Jan;Feb;Mar;Apr;May;Jun;Jul;Aug;Sep;Oct;Nov;Dec" ${CMAKE_MATCH_2} m)
    math(EXPR m "${m} + 1")
    if(m LESS 10)
      set(m 0${m})
    endif()
    if(d LESS 10)
      set(d 0${d})
    endif()
    set(FC_MAN_DATE ${y}-${m}-${d})
    break()
  endif()
endforeach()

# ---- man page and completions, from the built binary's --help ----
find_program(FC_GZIP gzip REQUIRED)
set(FC_GENERATED ${FC_GEN}/flowcost.1 ${FC_GEN}/flowcost.bash ${FC_GEN}/_flowcost)
add_custom_command(
  OUTPUT ${FC_GENERATED}
  COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
          sh ${FC_DIST}/helpgen.sh $<TARGET_FILE:flowcost> ${FC_GEN} ${PROJECT_VERSION} ${FC_MAN_DATE}
          ${FC_DIST}/flowcost.1.extra
  DEPENDS flowcost ${FC_DIST}/helpgen.sh ${FC_DIST}/flowcost.1.extra
  COMMENT "Generating the man page and shell completions from flowcost --help"
  VERBATIM)
# gzip -n: no name or timestamp in the header (reproducible, lintian)
add_custom_command(
  OUTPUT ${FC_GEN}/flowcost.1.gz
  COMMAND sh -c "${FC_GZIP} -9n < flowcost.1 > flowcost.1.gz"
  WORKING_DIRECTORY ${FC_GEN}
  DEPENDS ${FC_GEN}/flowcost.1
  VERBATIM)
add_custom_command(
  OUTPUT ${FC_GEN}/changelog.Debian.gz
  COMMAND sh -c "${FC_GZIP} -9n < '${FC_DIST}/debian/changelog' > changelog.Debian.gz"
  WORKING_DIRECTORY ${FC_GEN}
  DEPENDS ${FC_DIST}/debian/changelog
  VERBATIM)
add_custom_target(flowcost_docs ALL DEPENDS ${FC_GENERATED} ${FC_GEN}/flowcost.1.gz ${FC_GEN}/changelog.Debian.gz)

# ---- install ----
install(TARGETS flowcost RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# A stripped install (cmake --install --strip, cpack with CPACK_STRIP_FILES)
# also drops .comment (compiler banners), as dh_strip does (lintian:
# binary-has-unneeded-section).
if(CMAKE_OBJCOPY)
  install(CODE "if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_OBJCOPY}\" --remove-section=.comment
      \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/flowcost\")
  endif()")
endif()
# Compressed, as Debian ships man pages; man(1) reads .gz everywhere.
install(FILES ${FC_GEN}/flowcost.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${FC_GEN}/flowcost.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME flowcost)
install(FILES ${FC_GEN}/_flowcost DESTINATION ${FLOWCOST_ZSH_COMPLETION_DIR})
# The one lintian tag left, explained in the file.
install(FILES ${FC_DIST}/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME flowcost)
file(GLOB FC_DOCS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${FC_DOCS} ${FC_DIST}/debian/copyright ${FC_GEN}/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The bundled sample (v5 format, with its ENI snapshot), to try the tool
# right after installing it (flowcost(1), EXAMPLES).
install(DIRECTORY ${CMAKE_SOURCE_DIR}/fixtures/sample/v5 DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/sample)
install(FILES ${CMAKE_SOURCE_DIR}/fixtures/sample/describe-network-interfaces.xml
              ${CMAKE_SOURCE_DIR}/fixtures/sample/describe-subnets.xml
              ${CMAKE_SOURCE_DIR}/fixtures/sample/ip-ranges.json
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/sample)

# ---- Debian package: cpack -G DEB in the build tree ----
set(CPACK_PACKAGE_NAME flowcost)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "flowcost")
set(CPACK_PACKAGE_CONTACT "flowcost maintainers <maintainers@users.noreply.r-seed-dcc37855.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "AWS VPC Flow Logs to costs, HTML report and topology graph")
# CPack puts the summary above this as the synopsis line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "flowcost reads VPC Flow Logs (files, directories, s3://bucket/prefix) and
prices every flow: NAT gateway processing, cross-AZ transfer, Internet
egress and the rest, to the cent. It writes a self-contained HTML report,
the costliest IPs as a table, CSV or JSON (optionally mailed, with an exit
status for a budget), a Graphviz topology and mergeable weekly aggregates.")
set(CPACK_DEBIAN_PACKAGE_RELEASE ${FLOWCOST_DEB_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends computed from the binary's NEEDED libraries (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl needs CA certificates for https:// (S3, EC2, smtps), but does not depend on them.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ca-certificates)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_SOURCE_IGNORE_FILES "/build[^/]*/;/\\\\.git")
include(CPack)
