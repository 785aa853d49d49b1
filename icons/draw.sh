#!/bin/sh
# Draws the app icon (a teal ticket with a check mark) and derives every size Tauri bundles.
# Needs ImageMagick 6 (`convert`) and the UI's npm packages (`npm --prefix ui ci`).
# Usage, from the repository root: sh icons/draw.sh
set -eu
cd "$(dirname "$0")/.."
src=icons/source.png
dots=""
for y in 296 352 408 464 520 576 632 688 744; do
  dots="$dots circle 300,$y 300,$((y + 11))"
done
convert -size 1024x1024 xc:none \
  -fill '#0f8b8d' -draw "roundrectangle 80,208 944,816 96,96" \
  \( -size 1024x1024 xc:none -fill black -draw "circle 80,512 80,604" -draw "circle 944,512 944,604" \) \
  -compose DstOut -composite -compose Over \
  -fill '#ffffffa0' -draw "$dots" \
  -draw "stroke white stroke-width 92 fill none stroke-linecap round stroke-linejoin round polyline 445,522 565,640 775,400" \
  "PNG32:$src"
ui/node_modules/.bin/tauri icon "$src" --output icons
# Desktop only: the mobile sets are not bundled.
rm -rf icons/android icons/ios
