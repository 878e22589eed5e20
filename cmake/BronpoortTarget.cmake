# Shared compile settings for every Bronpoort target.
function(bronpoort_target_settings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                                           -Wno-missing-field-initializers)
  # GCC 12 reports -Warray-bounds and -Wstringop-* false positives inside std::string concatenation at -O2
  # (GCC bug 105651); with -Werror they break the build on correct code. Fixed in GCC 13.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-array-bounds -Wno-stringop-overflow
                                             -Wno-stringop-overread)
  endif()
  if(BRONPOORT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # Boost.Asio and Beast are compiled once (src/server/asio_impl.cpp) instead of in every file.
  target_compile_definitions(${target} PUBLIC BOOST_ASIO_SEPARATE_COMPILATION
                                              BOOST_BEAST_SEPARATE_COMPILATION
                                              BOOST_ASIO_NO_DEPRECATED)
endfunction()

# bronpoort_stage_library(NAME SOURCES ... DEPS ...): one pipeline stage as a static library with
# the public headers under include/.
function(bronpoort_stage_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                     PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  bronpoort_target_settings(${name})
endfunction()
