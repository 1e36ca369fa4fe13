#!/bin/sh
# Debian packages the PDF renderer and its tests need: a CJK font (embedded in the PDFs we
# write) and poppler (pdftotext/pdftoppm read PDFs back). Installs only what is missing.
set -e
need=""
fc-list 2>/dev/null | grep -qi "Noto.*CJK" || need="$need fonts-noto-cjk"
command -v pdftotext >/dev/null 2>&1 || need="$need poppler-utils"
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
