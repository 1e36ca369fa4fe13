#!/bin/sh
# Debian packages the PDF renderer and its tests need: a CJK font (embedded in the PDFs we
# write) and poppler (pdftotext/pdftoppm read PDFs back). Installs only what is missing.
# With the argument "tests", also LibreOffice Calc (headless), which the workbook's test
# converts budget.xlsx with; that one is best effort: without it that test skips, and says so.
# With "tests", the portal's tests (tests/web) also need Chromium (Playwright drives Debian's
# /usr/bin/chromium; no browser is downloaded) and PostgreSQL (a throwaway cluster is started
# by the tests with initdb/pg_ctl): both required, CI must not skip them.
set -e
need=""
fc-list 2>/dev/null | grep -qi "Noto.*CJK" || need="$need fonts-noto-cjk"
command -v pdftotext >/dev/null 2>&1 || need="$need poppler-utils"
if [ "$1" = "tests" ]; then
    [ -x /usr/bin/chromium ] || need="$need chromium"
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
fi
optional=""
if [ "$1" = "tests" ] && ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
    optional="libreoffice-calc-nogui"
fi
[ -z "$need$optional" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
if [ -n "$need" ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
if [ -n "$optional" ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $optional >/dev/null \
        || echo "warning: could not install $optional; the LibreOffice workbook test will skip" >&2
fi
