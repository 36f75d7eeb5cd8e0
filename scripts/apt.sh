# Sourced by the scripts that install Debian packages. On a fresh machine several of them install
# something; the package lists are updated by the first one only (an update less than an hour old
# counts).
apt_update_once() {
  local stamp=/var/lib/webcompile/apt-updated
  if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
    apt-get update -qq
    mkdir -p "${stamp%/*}" && touch "$stamp"
  fi
}

# apt_install [--with-recommends] PKG...: Debian packages, by default without the ones they merely
# recommend.
apt_install() {
  local recommends=(--no-install-recommends)
  if [ "${1:-}" = --with-recommends ]; then recommends=(); shift; fi
  apt_update_once
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${recommends[@]}" "$@" >/dev/null
}
