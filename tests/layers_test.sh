#!/usr/bin/env bash
# The layer rule, checked on the sources and on what the build linked.
SRC="$1"; BUILD="$2"; WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
source "$(dirname "$0")/lib.sh"
hits=$(grep -nE '#include *[<"](torch/|ATen/|c10/|model/(network|engine|checkpoint|tokenizer|torch_compat)\.h)' "$SRC"/viz/*.{h,cpp} 2>/dev/null)
[ -z "$hits" ] && ok "viz/ includes no torch header" || bad "viz/ includes torch: $hits"
hits=$(grep -nE '#include *[<"](GL/|GLFW/|epoxy/|imgui|X11/|viz/)' "$SRC"/model/*.{h,cpp} 2>/dev/null)
[ -z "$hits" ] && ok "model/ includes no GL/ImGui/X11/viz header" || bad "model/ includes GL: $hits"
hits=$(grep -nE '#include *[<"](X11/|epoxy/glx|GL/glx)' "$SRC"/app/*.{h,cpp} 2>/dev/null)
[ -z "$hits" ] && ok "app/ includes no X11 header (it breaks c10)" || bad "app/ includes X11: $hits"
# What the linker was told: viz's and model's link lines in the generated build files.
link_of() { grep -rhoE -- "$1" "$BUILD/build.ninja" 2>/dev/null | head -1; }
viz_cmds=$(grep -A3 'build libwfc_viz.a' "$BUILD/build.ninja" | tr ' ' '\n' | grep -E 'torch|c10' )
[ -z "$viz_cmds" ] && ok "libwfc_viz.a is built without torch objects" || bad "viz archive mentions torch: $viz_cmds"
deps=$(grep -E '^build libwfc_viz\.a|^build libwfc_model\.a' "$BUILD/build.ninja" | tr ' ' '\n' | grep -E '\.cpp\.o$')
grep -E 'viz/' <<<"$(grep -E '^build libwfc_model\.a' "$BUILD/build.ninja")" >/dev/null \
  && bad "model archive contains viz objects" || ok "model archive holds no viz objects"
# The compile commands: no viz translation unit sees torch's include directories.
if python3 -c "import sys" 2>/dev/null; then :; fi
n=$(grep -E '"file": ".*/viz/' "$BUILD/compile_commands.json" | wc -l)
vizt=$(awk '/"command"/{cmd=$0} /"file": ".*\/viz\//{print cmd}' "$BUILD/compile_commands.json" | grep -cE 'torch/csrc|/torch/include|TORCH')
[ "$n" -gt 0 ] && [ "$vizt" = 0 ] && ok "$n viz translation units compile without torch include paths" \
  || bad "viz compile lines see torch ($vizt of $n)"
modg=$(awk '/"command"/{cmd=$0} /"file": ".*\/model\//{print cmd}' "$BUILD/compile_commands.json" | grep -cE 'imgui|GLFW|epoxy')
[ "$modg" = 0 ] && ok "model translation units compile without GL/ImGui include paths" || bad "model sees GL ($modg)"
finish
