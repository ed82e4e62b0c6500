# Sourced by .ci/run: what the mail tests and the statement page check need from Debian.
#
# dovecot-imapd: a real IMAP server the tests start on loopback with a throwaway config in a
# temporary directory (tests/integration/imap_server.py); poppler-utils: pdftoppm/pdftotext
# for rendering and reading statement PDFs. Installed only when missing (needs root and
# apt-get); without them those tests skip, or fail with CI=true.

_mail_log() { echo "mail.sh: $*" >&2; }

mail_tools_install() {
  local missing=()
  command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    _mail_log "cannot install ${missing[*]} here (needs root and apt-get)"
    return 1
  fi
  _mail_log "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  # the package's own service is not wanted: tests start their own server on a free port
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    local remove_policy=1
  fi
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  local rc=$?
  [ -n "${remove_policy:-}" ] && rm -f /usr/sbin/policy-rc.d
  return $rc
}
