# ctest (see CMakeLists.txt): fails when the optimizer kernels' PTX holds a fused multiply-add
# (fma.rn.f32), i.e. nvcc turned a * b + c into one rounding where Java, and so the CPU backend,
# rounds twice. Usage: cmake "-DPTX=sgd.ptx;adam.ptx" -P no_fused_multiply_add.cmake
if(NOT PTX)
  message(FATAL_ERROR "no PTX files given (-DPTX=...)")
endif()
foreach(ptx IN LISTS PTX)
  file(STRINGS ${ptx} entries REGEX "^\\.visible \\.entry ")
  if(NOT entries)
    message(FATAL_ERROR "${ptx}: no kernel entry: not the optimizer kernels' PTX")
  endif()
  file(STRINGS ${ptx} fused REGEX "fma\\.rn\\.f32")
  list(LENGTH fused count)
  if(count GREATER 0)
    list(GET fused 0 first)
    message(FATAL_ERROR "${ptx}: ${count} fused multiply-adds, e.g. '${first}': the kernels must be "
                        "built with -fmad=false to round as Java does")
  endif()
  message(STATUS "${ptx}: no fused multiply-add")
endforeach()
