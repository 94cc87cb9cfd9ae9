#!/usr/bin/env bash
# Installs the Debian packages the workbench needs (audio tools, speech synthesis,
# browser for page tests, PostgreSQL for the optional server back-end).
# As root it runs apt-get; otherwise it prints exactly what to install and fails.
set -euo pipefail
PACKAGES=(ffmpeg espeak-ng libespeak-ng1 sox libsox-fmt-all rubberband-cli chromium postgresql build-essential
          codec2-examples frog frogdata ucto uctodata)  # codec2-examples: real 8 kHz speech for the voice-disguise tests;
# frog + frogdata + ucto(data): Dutch NER for the optional Frog recognizer (CURATION_PII_FROG=1) and its tests
# (Frog only recommends ucto, and without its tokeniser settings it fails to start)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
