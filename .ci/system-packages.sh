# Sourced by .ci/run and .ci/app: the Debian packages arbench needs from the system.
#
# QT_WINDOW_PACKAGES are the libraries Qt 6 (PySide6's wheels bundle Qt but not these) loads to
# open a real window on X11 (the xcb platform plugin, its GL integrations, fonts, D-Bus), read
# off `ldd` of PySide6/Qt/plugins/platforms/libqxcb.so and of the Qt libraries arbench imports;
# tests/integration/test_system_packages.py checks the list against ldd. Their own
# dependencies come with them. (libxcb-xinerama0, needed by Qt 5, is not linked by Qt 6.)
#
# ensure_packages PKG... installs, with apt-get, only the packages dpkg does not already list as
# installed: a machine that has them all does no network work. Without root or apt-get it says
# in one line what is missing and how to install it, and returns 1.

QT_WINDOW_PACKAGES=(
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 fonts-dejavu-core libdbus-1-3
  libx11-6 libx11-xcb1 libxkbcommon0 libxkbcommon-x11-0
  libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
  libxcb-xfixes0 libxcb-xkb1
)

_pkg_log() { echo "system-packages.sh: $*" >&2; }

missing_packages() {
  # The packages among "$@" that dpkg does not list as installed, one per line.
  local pkg
  for pkg in "$@"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]; then
      echo "$pkg"
    fi
  done
}

ensure_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    _pkg_log "not a Debian system (no dpkg): make sure these are installed: $*"
    return 0
  fi
  local missing
  missing=$(missing_packages "$@" | tr '\n' ' ')
  missing=${missing% }
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    _pkg_log "missing Debian packages (needs root and apt-get to install): sudo apt-get install $missing"
    return 1
  fi
  _pkg_log "installing $missing"
  export DEBIAN_FRONTEND=noninteractive
  local log
  log=$(mktemp)
  # Another engineer's run may hold the dpkg lock: wait for it rather than fail.
  if apt-get -o DPkg::Lock::Timeout=600 update -qq >"$log" 2>&1 &&
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >>"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  tail -5 "$log" >&2
  rm -f "$log"
  _pkg_log "apt-get could not install: $missing"
  return 1
}
