#!/bin/sh
# Rebuild widgets/static/player.js from the npm packages pinned in package.json / package-lock.json.
# Only needed when src/player.js or the pinned versions change; the built bundle is committed.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npx esbuild src/player.js --bundle --format=esm --minify --legal-comments=eof --target=es2020 \
    --banner:js="/* Built by widgets/js/build.sh from wavesurfer.js 8.0.1 (BSD-3-Clause, (c) katspaugh) and src/player.js. */" \
    --outfile=../static/player.js
echo "built $(cd .. && pwd)/static/player.js"
