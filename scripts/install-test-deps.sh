#!/bin/sh
# Installs the Debian packages the tests use: real Chromium, Docker Engine, OpenSSH server,
# a static busybox for FROM-scratch test images, the Docker registry with htpasswd, a GNOME Keyring
# (Secret Service) for the keychain tests, ip/ss/pgrep and fuser, the login shells real clusters hand out
# (fish, tcsh, zsh), and Slurm with munge for the Slurm test bed.
set -eu
packages="chromium docker.io openssh-server busybox-static docker-registry apache2-utils gnome-keyring libsecret-tools dbus iproute2 procps psmisc fish tcsh zsh slurm-wlm munge"
if [ "$(id -u)" -eq 0 ]; then run=""; else run="sudo"; fi
missing=""
for p in $packages; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"; done
if [ -n "$missing" ]; then
  $run apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $run apt-get install -y -qq --no-install-recommends $missing
fi
# The packages' own services stay off: the test bed starts its own daemons, each in its own namespace.
