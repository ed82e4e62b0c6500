#!/usr/bin/env bash
# Install the arbench bundle for the current user on Linux (no root needed), or remove it.
#   ./install.sh                 install or upgrade: the bundle to ~/.local/lib/arbench, the
#                                command ~/.local/bin/arbench, icons in the hicolor theme and
#                                the desktop entry (menu: Office → arbench)
#   ./install.sh --uninstall     remove all of that; the user's data and settings stay
#   ./install.sh --uninstall --purge   also delete the data (~/.local/share/arbench: database,
#                                backups) and the settings (~/.config/arbench)
# The bundle is taken from ./arbench next to this script (release tarball) or from the
# checkout's dist/arbench (after installer/build.sh). PREFIX overrides ~/.local.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
config_home=${XDG_CONFIG_HOME:-$HOME/.config}
target="$prefix/lib/arbench"
icons="$prefix/share/icons/hicolor"
apps="$prefix/share/applications"
sizes="16 24 32 48 64 128 256 512"

uninstall=0
purge=0
for arg in "$@"; do
  case "$arg" in
    --uninstall) uninstall=1 ;;
    --purge) purge=1 ;;
    *) echo "install.sh: unknown option $arg (use --uninstall [--purge])" >&2; exit 2 ;;
  esac
done

refresh_caches() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$apps" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$icons" || true
}

if [ "$uninstall" = 1 ]; then
  rm -rf "$target"
  rm -f "$prefix/bin/arbench" "$apps/arbench.desktop" "$icons/scalable/apps/arbench.svg"
  for s in $sizes; do rm -f "$icons/${s}x${s}/apps/arbench.png"; done
  refresh_caches
  if [ "$purge" = 1 ]; then
    rm -rf "$data_home/arbench" "$config_home/arbench"
    echo "arbench removed, with its data and settings"
  else
    echo "arbench removed; your data stays in $data_home/arbench and $config_home/arbench"
    echo "(delete it with: $0 --uninstall --purge)"
  fi
  exit 0
fi

bundle="$here/arbench"
[ -x "$bundle/arbench" ] || bundle="$here/../../dist/arbench"
if [ ! -x "$bundle/arbench" ]; then
  echo "install.sh: no arbench bundle next to this script or in dist/ (run installer/build.sh)" >&2
  exit 1
fi
bundle=$(cd "$bundle" && pwd)
shipped="$bundle/_internal/arbench/_resources/icons"

# Replace the program folder whole (an upgrade leaves no library of the older version).
mkdir -p "$prefix/lib" "$prefix/bin" "$apps"
rm -rf "$target.new"
cp -a "$bundle" "$target.new"
rm -rf "$target"
mv "$target.new" "$target"
ln -sfn "$target/arbench" "$prefix/bin/arbench"

for s in $sizes; do
  install -D -m 644 "$shipped/arbench-$s.png" "$icons/${s}x${s}/apps/arbench.png"
done
install -D -m 644 "$shipped/arbench.svg" "$icons/scalable/apps/arbench.svg"

desktop="$here/arbench.desktop"
[ -f "$desktop" ] || desktop="$here/../../installer/linux/arbench.desktop"
sed -e "s|^Exec=.*|Exec=$target/arbench|" -e "s|^TryExec=.*|TryExec=$target/arbench|" \
  "$desktop" >"$apps/arbench.desktop"
chmod 644 "$apps/arbench.desktop"
refresh_caches

echo "installed $("$target/arbench" --version) in $target"
echo "menu entry: $apps/arbench.desktop; command: $prefix/bin/arbench"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not on your PATH" ;; esac
